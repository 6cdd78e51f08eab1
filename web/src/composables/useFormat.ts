// Locale-aware formatters for templates.
import { useI18n } from 'vue-i18n'
import { formatAmount, formatCount, formatDateTime, formatYuan } from '@/utils/format'

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 })

export function useFormat() {
  const { t, locale } = useI18n()
  const units = () => ({ yuan: t('common.yuan'), wan: t('common.wan'), yi: t('common.yi') })
  // Chinese: 25.99万元, 5亿元; English: ¥259.94K, ¥500M.
  const money = (v: string | number | null | undefined) => {
    if (locale.value !== 'en') return formatAmount(v, units())
    if (v === null || v === undefined || v === '') return '—'
    const n = Number(v)
    return Number.isFinite(n) ? `¥${compact.format(n)}` : String(v)
  }
  return {
    money,
    yuan: formatYuan,
    count: formatCount,
    dateTime: formatDateTime,
  }
}
