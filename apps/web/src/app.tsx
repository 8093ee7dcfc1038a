import { lazy, Suspense, type ReactNode } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { AppShell } from './components/app-shell';
import { RequireUser } from './components/current-user';
import { Loading } from './components/states';
import { LiveProvider } from './realtime/live-provider';

// Every page is its own chunk: the first load carries the shell, not the charts.
const LoginPage = lazy(() => import('./pages/login.page'));
const SignupPage = lazy(() => import('./pages/signup.page'));
const ConnectPage = lazy(() => import('./pages/connect/connect.page'));
const TradesPage = lazy(() => import('./pages/trades/trades.page'));
const TradeDetailPage = lazy(() => import('./pages/trade-detail/trade-detail.page'));
const SimulatePage = lazy(() => import('./pages/simulate/simulate.page'));
const DigestPage = lazy(() => import('./pages/digest/digest.page'));
const RulesPage = lazy(() => import('./pages/rules/rules.page'));
const SettingsPage = lazy(() => import('./pages/settings/settings.page'));
const NotFoundPage = lazy(() => import('./pages/not-found.page'));

function PublicFrame({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <main id="main" className="page page-narrow" tabIndex={-1}>
        <p className="brand brand-public">Trading Twin</p>
        <Suspense fallback={<Loading />}>{children}</Suspense>
      </main>
    </>
  );
}

function SignedIn() {
  return (
    <RequireUser>
      <LiveProvider>
        <AppShell>
          <Suspense fallback={<Loading />}>
            <Switch>
              <Route path="/">
                <Redirect to="/trades" replace />
              </Route>
              <Route path="/connect" component={ConnectPage} />
              <Route path="/trades" component={TradesPage} />
              <Route path="/trades/:id/simulate" component={SimulatePage} />
              <Route path="/trades/:id" component={TradeDetailPage} />
              <Route path="/digest" component={DigestPage} />
              <Route path="/rules" component={RulesPage} />
              <Route path="/settings" component={SettingsPage} />
              <Route component={NotFoundPage} />
            </Switch>
          </Suspense>
        </AppShell>
      </LiveProvider>
    </RequireUser>
  );
}

export function App() {
  return (
    <Switch>
      <Route path="/login">
        <PublicFrame>
          <LoginPage />
        </PublicFrame>
      </Route>
      <Route path="/signup">
        <PublicFrame>
          <SignupPage />
        </PublicFrame>
      </Route>
      <Route component={SignedIn} />
    </Switch>
  );
}
