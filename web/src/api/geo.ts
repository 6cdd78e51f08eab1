// The district shapes, built at build time into /geo/baoan.json
// (scripts/build-geo.mjs): Bao'an's outline and approximate street cells.
import { ApiError } from './http'

export interface GeoFeature {
  type: 'Feature'
  properties: { name: string; code?: string; approximate?: boolean; center?: [number, number] }
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] }
}
export interface GeoCollection {
  type: 'FeatureCollection'
  features: GeoFeature[]
}
export interface DistrictGeo {
  district: GeoCollection
  streets: GeoCollection
  source: string
}

let cached: Promise<DistrictGeo> | null = null
export function districtGeo(): Promise<DistrictGeo> {
  cached ??= fetch(`${import.meta.env.BASE_URL}geo/baoan.json`).then((r) => {
    if (!r.ok) throw new ApiError(r.status, 'geo', '')
    return r.json() as Promise<DistrictGeo>
  })
  cached.catch(() => (cached = null))
  return cached
}
