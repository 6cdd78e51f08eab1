// Toasts for results of user actions; errors show the server's Chinese message.
import { ElMessage } from 'element-plus'
import { errorMessage } from './useAsync'

export function notifyError(e: unknown) {
  ElMessage({ type: 'error', message: errorMessage(e), grouping: true, showClose: true })
}
export function notifySuccess(message: string) {
  ElMessage({ type: 'success', message, grouping: true })
}
