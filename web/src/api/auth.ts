// 账号与会话 (accounts issue): login sets the session cookie and returns the CSRF token.
import { get, post } from './http'
import type { LoginResult, User } from './types'

export const login = (username: string, password: string) =>
  post<LoginResult>('/auth/login', { username, password })
export const logout = () => post<unknown>('/auth/logout')
// The signed-in user (and a fresh CSRF token) for a page reload.
export const me = () => get<{ user: User; csrf_token?: string } & Partial<User>>('/auth/me')
