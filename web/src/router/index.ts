import { createRouter, createWebHistory } from 'vue-router'
import { routes, homeFor } from './routes'
import { useUserStore } from '@/stores/user'
import { setUnauthorizedHandler } from '@/api/http'
import { i18n } from '@/locales'
import { ElMessage } from 'element-plus'

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const store = useUserStore()
  await store.restore()
  if (to.name === 'root') return homeFor(store.role)
  if (to.name === 'login' && store.loggedIn) return homeFor(store.role)
  if (to.meta.public) return true
  if (!store.loggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  for (const rec of to.matched) {
    const roles = rec.meta.roles
    if (roles && store.role && !roles.includes(store.role)) {
      // Wrong side (an officer on /portal …): go home; a page of the right side: forbidden.
      if (rec.path === '/portal' || rec.path === '/console') return homeFor(store.role)
      return { name: 'forbidden' }
    }
  }
  return true
})

router.afterEach((to) => {
  const key = to.meta.title
  const t = i18n.global.t
  document.title = key ? `${t(key)} - ${t('app.title')}` : t('app.title')
})

let expiredShown = false
setUnauthorizedHandler(() => {
  const store = useUserStore()
  if (!store.loggedIn) return
  store.clear()
  if (!expiredShown) {
    expiredShown = true
    ElMessage.warning(i18n.global.t('error.sessionExpired'))
    setTimeout(() => (expiredShown = false), 3000)
  }
  const current = router.currentRoute.value
  if (current.name !== 'login') void router.replace({ name: 'login', query: { redirect: current.fullPath } })
})
