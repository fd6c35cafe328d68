import { render } from 'solid-js/web';
import { createBrowserApi } from './api/create-api.ts';
import { App, createQueryClient } from './app.tsx';
import './styles.css';

// Created once, outside the JSX: a prop expression is re-evaluated on every read in Solid.
const api = createBrowserApi();
const queryClient = createQueryClient();
render(() => <App api={api} queryClient={queryClient} />, document.getElementById('root')!);
