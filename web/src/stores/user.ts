// The signed-in user (Pinia setup store): login, logout, restore on reload.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as authApi from '@/api/auth'
import { setCsrfToken } from '@/api/http'
import type { Role, User } from '@/api/types'

const USER_KEY = 'zhida.user'

export const ENTERPRISE_ROLES: Role[] = ['enterprise_legal', 'enterprise_agent']
export const STAFF_ROLES: Role[] = ['policy_officer', 'reviewer', 'funds_officer', 'data_steward', 'auditor', 'leader']

export const useUserStore = defineStore('user', () => {
  const user = ref<User | null>(readCached())
  const restored = ref(false)

  const loggedIn = computed(() => user.value !== null)
  const role = computed<Role | null>(() => user.value?.role ?? null)
  const isEnterprise = computed(() => !!role.value && ENTERPRISE_ROLES.includes(role.value))
  const enterpriseId = computed(() => user.value?.enterprise_id ?? 0)
  // The firm's name comes with the user (enterprise_name, null for staff).
  const firmName = computed(() => user.value?.enterprise_name ?? '')
  // The person: the display name without the "（firm 法定代表人）" it carries
  // for enterprise users ("徐勇轩（深圳市安宝电子有限公司 法定代表人）" -> 徐勇轩).
  const personName = computed(() => personOf(user.value))

  function remember(u: User | null) {
    user.value = u
    try {
      if (u) sessionStorage.setItem(USER_KEY, JSON.stringify(u))
      else sessionStorage.removeItem(USER_KEY)
    } catch {
      /* no storage */
    }
  }

  async function login(username: string, password: string) {
    const r = await authApi.login(username, password)
    setCsrfToken(r.csrf_token)
    remember(r.user)
    restored.value = true
    return r.user
  }

  async function logout() {
    try {
      await authApi.logout()
    } catch {
      /* the session may already be gone */
    }
    clear()
  }

  function clear() {
    setCsrfToken('')
    remember(null)
  }

  // On a reload: ask the server who we are (the cookie may have expired).
  async function restore() {
    if (restored.value) return
    restored.value = true
    if (!user.value) return
    try {
      const r = await authApi.me()
      const u: User = r.user ?? (r as unknown as User)
      if (r.csrf_token) setCsrfToken(r.csrf_token)
      remember(u)
    } catch (e) {
      if ((e as { status?: number }).status === 401) clear()
    }
  }

  function hasRole(...roles: Role[]) {
    return !!role.value && roles.includes(role.value)
  }

  return { user, loggedIn, role, isEnterprise, enterpriseId, personName, firmName, login, logout, clear, restore, hasRole }
})

export function personOf(u: User | null | undefined): string {
  const name = u?.display_name || u?.username || ''
  const firm = u?.enterprise_name
  if (!firm) return name
  for (const open of ['（', '(']) {
    const at = name.indexOf(open + firm)
    if (at > 0) return name.slice(0, at).trim()
  }
  return name
}

function readCached(): User | null {
  try {
    const s = sessionStorage.getItem(USER_KEY)
    return s ? (JSON.parse(s) as User) : null
  } catch {
    return null
  }
}
