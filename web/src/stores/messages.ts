// Unread message count for the header badge.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { listMessages } from '@/api/messages'

export const useMessageStore = defineStore('messages', () => {
  const unread = ref(0)
  async function refresh() {
    try {
      const r = await listMessages({ unread: true, limit: 1 })
      unread.value = r.unread ?? r.total ?? 0
    } catch {
      /* the badge is optional */
    }
  }
  return { unread, refresh }
})
