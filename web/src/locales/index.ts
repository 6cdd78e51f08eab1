// vue-i18n set-up: zh-CN first (default and fallback), English second.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

// Shape of the messages, with string leaves (en must have every zh-CN key).
type Widen<T> = T extends string ? string : T extends readonly string[] ? string[] : { [K in keyof T]: Widen<T[K]> }
export type Messages = Widen<typeof zhCN>

export type Locale = 'zh-CN' | 'en'
const KEY = 'zhida.locale'

function initialLocale(): Locale {
  try {
    const v = localStorage.getItem(KEY)
    if (v === 'en' || v === 'zh-CN') return v
  } catch {
    /* no storage */
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN as Messages, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(l: Locale) {
  i18n.global.locale.value = l
  document.documentElement.lang = l
  try {
    localStorage.setItem(KEY, l)
  } catch {
    /* no storage */
  }
}

export const t = i18n.global.t
