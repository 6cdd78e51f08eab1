// The data catalog (attribute names, types, sources), loaded once and shared.
import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import { catalog as fetchCatalog } from '@/api/enterprises'
import type { CatalogAttribute } from '@/api/types'

export const useCatalogStore = defineStore('catalog', () => {
  const attributes = shallowRef<CatalogAttribute[]>([])
  let pending: Promise<void> | null = null
  const byName = computed(() => new Map(attributes.value.map((a) => [a.name, a])))

  function load(): Promise<void> {
    pending ??= fetchCatalog()
      .then((r) => {
        attributes.value = r.attributes ?? []
      })
      .catch(() => {
        pending = null
      })
    return pending
  }
  // "研发费用[2024]" -> the attribute 研发费用
  function find(name: string): CatalogAttribute | undefined {
    return byName.value.get(name.replace(/\[.*\]$/, ''))
  }
  return { attributes, byName, load, find }
})
