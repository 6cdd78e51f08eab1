// 服务器信息 (openapi/meta.json): whether this is `zhida demo`, and then its
// accounts for the login page. Public, always 200.
import { get } from './http'

export interface DemoAccountHint {
  username: string
  role: string
  role_zh: string
  label: string
}
export interface ServerMeta {
  demo: boolean
  demo_password?: string | null
  demo_accounts?: DemoAccountHint[]
}
export const serverMeta = () => get<ServerMeta>('/meta')
