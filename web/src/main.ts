import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import en from 'element-plus/es/locale/lang/en'
import * as Icons from '@element-plus/icons-vue'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { i18n, t } from './locales'
import { router } from './router'
import { setFallbackMessages } from './api/http'

setFallbackMessages({ network: t('error.network'), server: t('error.server'), notFound: t('error.notFound'), unavailable: t('error.unavailable') })

const app = createApp(App)
for (const [name, comp] of Object.entries(Icons)) app.component(name, comp)
app.use(createPinia())
app.use(i18n)
app.use(ElementPlus, { locale: i18n.global.locale.value === 'en' ? en : zhCn })
app.use(router)
app.config.errorHandler = (err) => {
  // Never a raw error on screen: log for developers, the views show their own states.
  console.warn('[zhida]', err)
}
app.mount('#app')
