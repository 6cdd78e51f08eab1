// 站内信 (C4)
import { get, post } from './http'
import type { Message, Paged } from './types'

export const listMessages = (q: { unread?: boolean; limit?: number; offset?: number } = {}) =>
  get<Paged<Message> & { unread?: number }>('/messages', q)
export const markRead = (id: number) => post<unknown>(`/messages/${id}/read`)
export const markAllRead = () => post<unknown>('/messages/read-all')
