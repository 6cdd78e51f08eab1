// The one place that talks HTTP to zhida. Every endpoint has a typed function
// in api/<area>.ts built on `request`; views never call fetch themselves.
//
// - Writes carry the X-CSRF-Token returned at login (kept in sessionStorage,
//   so a reload keeps it while the session cookie lasts).
// - Errors become ApiError with the server's Chinese message
//   ({"error":{"code","message","details"}}); network failures and non-JSON
//   answers get a Chinese message of our own (never a raw error).
// - A 401 calls the registered handler (the router sends the user to login).

export interface ErrorDetail {
  code?: string
  message?: string
  severity?: 'error' | 'warning'
  field?: string
  line?: number
  column?: number
  length?: number
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: ErrorDetail[]
  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

// Chinese fallbacks, used when the server gives no message of its own. They
// are set from the locale files at start (setFallbackMessages).
let fallback = {
  network: '无法连接服务器，请检查网络后重试',
  server: '服务器出错，请稍后重试',
  notFound: '请求的内容不存在',
  unavailable: '该功能暂未开放',
}
export function setFallbackMessages(m: Partial<typeof fallback>) {
  fallback = { ...fallback, ...m }
}

const CSRF_KEY = 'zhida.csrf'
let csrfToken = readStorage(CSRF_KEY)
function readStorage(key: string): string {
  try {
    return globalThis.sessionStorage?.getItem(key) ?? ''
  } catch {
    return ''
  }
}
export function setCsrfToken(token: string) {
  csrfToken = token
  try {
    if (token) globalThis.sessionStorage?.setItem(CSRF_KEY, token)
    else globalThis.sessionStorage?.removeItem(CSRF_KEY)
  } catch {
    /* storage unavailable: keep it in memory */
  }
}

let onUnauthorized: (() => void) | null = null
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn
}

export type Query = Record<string, string | number | boolean | undefined | null>

export function buildUrl(path: string, query?: Query): string {
  const base = path.startsWith('/api/') ? path : `/api/v1${path}`
  if (!query) return base
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${base}?${s}` : base
}

function errorFromBody(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)?.error
  if (e && typeof e.message === 'string' && e.message)
    return new ApiError(status, e.code ?? 'error', e.message, Array.isArray(e.details) ? e.details : [])
  if (status === 404) return new ApiError(status, 'not_found', fallback.notFound)
  if (status === 405 || status === 501) return new ApiError(status, 'unavailable', fallback.unavailable)
  return new ApiError(status, 'http_' + status, fallback.server)
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  signal?: AbortSignal
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw new ApiError(0, 'network', fallback.network)
  }
  let body: unknown = null
  const text = await res.text()
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = null
    }
  }
  if (!res.ok) {
    const err = errorFromBody(res.status, body)
    if (res.status === 401 && onUnauthorized && !path.startsWith('/auth/')) onUnauthorized()
    throw err
  }
  return body as T
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal })
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} })
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} })
export const del = <T>(path: string) => request<T>('DELETE', path)

// Upload a file with progress (fetch cannot report upload progress).
export function upload<T>(path: string, file: File, query: Query, onProgress?: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildUrl(path, query))
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(Math.round((ev.loaded / ev.total) * 100))
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', fallback.network))
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T)
      else reject(errorFromBody(xhr.status, body))
    }
    xhr.send(file)
  })
}

// Download a server-made file (Excel exports) through the session.
export async function download(path: string, query: Query | undefined, filename: string): Promise<void> {
  let res: Response
  try {
    res = await fetch(buildUrl(path, query), { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network', fallback.network)
  }
  if (!res.ok) {
    let body: unknown = null
    try {
      body = await res.json()
    } catch {
      body = null
    }
    throw errorFromBody(res.status, body)
  }
  saveBlob(await res.blob(), filename)
}

export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
