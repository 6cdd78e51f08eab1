// The route table. meta.roles limits who may open a page (the server checks
// again); meta.menu puts it in its layout's menu with that label key.
import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    roles?: Role[]
    menu?: string
    icon?: string
    title?: string
    public?: boolean
  }
}

const ENT: Role[] = ['enterprise_legal', 'enterprise_agent']
const STAFF: Role[] = ['policy_officer', 'reviewer', 'funds_officer', 'data_steward', 'auditor', 'leader']

export const portalRoutes: RouteRecordRaw[] = [
  { path: '', name: 'portal-home', component: () => import('@/views/portal/HomeView.vue'), meta: { menu: 'menu.home', icon: 'House', title: 'menu.home' } },
  { path: 'policies', name: 'portal-policies', component: () => import('@/views/portal/PolicyListView.vue'), meta: { menu: 'menu.policies', icon: 'Document', title: 'menu.policies' } },
  { path: 'policies/:id', name: 'portal-policy', component: () => import('@/views/portal/PolicyDetailView.vue'), props: true, meta: { title: 'policy.name' } },
  { path: 'apply/:policyId', name: 'portal-apply', component: () => import('@/views/portal/ApplyView.vue'), props: true, meta: { title: 'apply.title' } },
  { path: 'applications', name: 'portal-applications', component: () => import('@/views/portal/ApplicationsView.vue'), meta: { menu: 'menu.applications', icon: 'Tickets', title: 'menu.applications' } },
  { path: 'applications/:id', name: 'portal-application', component: () => import('@/views/portal/ApplicationDetailView.vue'), props: true, meta: { title: 'application.detailTitle' } },
  { path: 'messages', name: 'portal-messages', component: () => import('@/views/portal/MessagesView.vue'), meta: { menu: 'menu.messages', icon: 'Bell', title: 'menu.messages' } },
  { path: 'portrait', name: 'portal-portrait', component: () => import('@/views/portal/PortraitView.vue'), meta: { menu: 'menu.portrait', icon: 'OfficeBuilding', title: 'menu.portrait' } },
]

export const consoleRoutes: RouteRecordRaw[] = [
  { path: 'dashboard', name: 'console-dashboard', component: () => import('@/views/console/DashboardView.vue'), meta: { menu: 'menu.dashboard', icon: 'DataAnalysis', title: 'menu.dashboard', roles: STAFF } },
  { path: 'map', name: 'console-map', component: () => import('@/views/console/MapView.vue'), meta: { menu: 'menu.map', icon: 'MapLocation', title: 'menu.map', roles: STAFF } },
  { path: 'policies', name: 'console-policies', component: () => import('@/views/console/PolicyAdminListView.vue'), meta: { menu: 'menu.policyAdmin', icon: 'Files', title: 'menu.policyAdmin', roles: ['policy_officer', 'leader', 'auditor', 'reviewer', 'funds_officer', 'data_steward'] } },
  { path: 'policies/new', name: 'console-policy-new', component: () => import('@/views/console/PolicyEditView.vue'), meta: { title: 'admin.newPolicy', roles: ['policy_officer'] } },
  { path: 'policies/:id/edit', name: 'console-policy-edit', component: () => import('@/views/console/PolicyEditView.vue'), props: true, meta: { title: 'admin.editPolicy', roles: ['policy_officer', 'leader', 'auditor', 'data_steward'] } },
  { path: 'policies/:id/matches', name: 'console-policy-matches', component: () => import('@/views/console/PolicyMatchesView.vue'), props: true, meta: { title: 'admin.matches', roles: STAFF } },
  { path: 'reviews', name: 'console-reviews', component: () => import('@/views/console/ReviewQueueView.vue'), meta: { menu: 'menu.reviews', icon: 'Stamp', title: 'menu.reviews', roles: ['reviewer', 'auditor'] } },
  { path: 'reviews/:id', name: 'console-review', component: () => import('@/views/console/ReviewDetailView.vue'), props: true, meta: { title: 'review.take', roles: ['reviewer', 'auditor', 'leader'] } },
  { path: 'publicity', name: 'console-publicity', component: () => import('@/views/console/PublicityView.vue'), meta: { menu: 'menu.publicity', icon: 'Postcard', title: 'menu.publicity', roles: ['funds_officer', 'reviewer', 'auditor', 'leader'] } },
  { path: 'disbursement', name: 'console-disbursement', component: () => import('@/views/console/DisbursementView.vue'), meta: { menu: 'menu.disbursement', icon: 'Money', title: 'menu.disbursement', roles: ['funds_officer', 'auditor', 'leader'] } },
  { path: 'enterprises', name: 'console-enterprises', component: () => import('@/views/console/EnterpriseSearchView.vue'), meta: { menu: 'menu.enterprises', icon: 'OfficeBuilding', title: 'menu.enterprises', roles: STAFF } },
  { path: 'enterprises/:id', name: 'console-enterprise', component: () => import('@/views/console/EnterpriseDetailView.vue'), props: true, meta: { title: 'ent.portrait', roles: STAFF } },
  { path: 'catalog', name: 'console-catalog', component: () => import('@/views/console/CatalogView.vue'), meta: { menu: 'menu.catalog', icon: 'Collection', title: 'menu.catalog', roles: STAFF } },
]

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/login/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  { path: '/portal', component: () => import('@/layouts/PortalLayout.vue'), meta: { roles: ENT }, children: portalRoutes },
  { path: '/console', component: () => import('@/layouts/ConsoleLayout.vue'), meta: { roles: STAFF }, children: [{ path: '', name: 'console-home', redirect: () => ({ name: 'console-dashboard' }) }, ...consoleRoutes] },
  { path: '/', name: 'root', redirect: () => ({ name: 'login' }) },
  { path: '/forbidden', name: 'forbidden', component: () => import('@/views/error/ForbiddenView.vue'), meta: { public: true, title: 'error.forbidden' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/error/NotFoundView.vue'), meta: { public: true, title: 'error.pageNotFound' } },
]

// Where a role lands after login.
export function homeFor(role: Role | null | undefined): string {
  if (!role) return '/login'
  if (ENT.includes(role)) return '/portal'
  switch (role) {
    case 'policy_officer':
      return '/console/policies'
    case 'reviewer':
      return '/console/reviews'
    case 'funds_officer':
      return '/console/publicity'
    case 'data_steward':
      return '/console/enterprises'
    default:
      return '/console/dashboard'
  }
}
