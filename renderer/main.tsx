import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import './styles/dataset.css';
import './styles/comparison.css';
import './styles/comparison-views.css';
import './styles/history.css';
import './styles/models.css';
import './styles/playground.css';
import { App } from './App';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks the #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
