import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { navigate } from 'wouter/use-browser-location';
import { setUnauthorizedHandler } from './api/http';
import { ApiError } from './api/problem';
import { App } from './app';
import { loginPath } from './components/current-user';
import { ToastProvider } from './components/toasts';
import './styles.css';

const PUBLIC_PATHS = ['/login', '/signup'];

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change by asking again; a network error or 5xx may.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});

setUnauthorizedHandler(() => {
  const here = window.location.pathname;
  if (PUBLIC_PATHS.includes(here)) return;
  queryClient.clear();
  navigate(loginPath(here + window.location.search), { replace: true });
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <App />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
