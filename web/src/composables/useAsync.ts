// Loading / error / data for one async source, the state every view shows.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ApiError } from '@/api/http'
import { t } from '@/locales'

export interface AsyncState<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: Ref<string | null>
  errorCode: Ref<string | null>
  run: () => Promise<T | null>
}

// The message to show for any thrown value: the server's Chinese message, or ours.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message || t('error.server')
  return t('error.server')
}

export function useAsync<T>(fn: () => Promise<T>, opts: { immediate?: boolean } = {}): AsyncState<T> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const errorCode = ref<string | null>(null)
  let seq = 0
  async function run() {
    const mine = ++seq
    loading.value = true
    error.value = null
    errorCode.value = null
    try {
      const v = await fn()
      if (mine === seq) data.value = v
      return v
    } catch (e) {
      if (mine === seq) {
        error.value = errorMessage(e)
        errorCode.value = e instanceof ApiError ? e.code : 'error'
      }
      return null
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  if (opts.immediate !== false) void run()
  return { data, loading, error, errorCode, run }
}
