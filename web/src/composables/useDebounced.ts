import { onBeforeUnmount } from 'vue'

// A debounced caller, cancelled when the component goes away.
export function useDebounced<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const call = (...args: A) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => fn(...args), ms)
  }
  onBeforeUnmount(() => timer && clearTimeout(timer))
  return call
}
