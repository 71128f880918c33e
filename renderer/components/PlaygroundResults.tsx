// Each run's answer side by side: the predicted label, one bar per label, and how long it took.
import type { RunPrediction } from '../../shared/predict';
import { probabilityBars } from '../lib/playground';
import { ErrorMessage } from './ErrorMessage';

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

/**
 * The labels a prediction names: one class, or for multi-label every label over 0.5 joined by "|"
 * (shared/predict.ts). A class name is matched whole first, so a class with "|" in it still works.
 */
function predictedLabels(result: RunPrediction): Set<string> {
  if (!result.ok) return new Set();
  return new Set(result.labels.includes(result.label) ? [result.label] : result.label.split('|'));
}

function Timing({ result }: { result: Extract<RunPrediction, { ok: true }> }) {
  return (
    <p className="muted playground-timing">
      {result.ms.toFixed(1)} ms{result.backend ? ` on ${result.backend}` : ''}{result.loadMs > 1 ? ` · model loaded in ${Math.round(result.loadMs)} ms` : ''}
    </p>
  );
}

/** A reader's answer: the context with the span marked, or "no answer" with how sure the model was. */
function AnswerResult({ result, context }: { result: Extract<RunPrediction, { ok: true }>; context: string }) {
  const answer = result.answer!;
  const start = answer.start;
  return (
    <>
      <p className="playground-label">
        <span className="muted">Answer </span>
        <strong data-testid="playground-label">{result.label === '' ? 'no answer' : result.label}</strong>
      </p>
      {start !== null && result.label !== '' && (
        <p className="playground-context" data-testid="playground-answer-context">
          {context.slice(Math.max(0, start - 200), start)}
          <mark className="answer-span">{context.slice(start, start + result.label.length)}</mark>
          {context.slice(start + result.label.length, start + result.label.length + 200)}
        </p>
      )}
      <p className="muted">
        Probability of no answer {percent(answer.noAnswerProbability)} (it answers “no answer” above {percent(answer.noAnswerThreshold)}, the threshold chosen on validation)
      </p>
    </>
  );
}

export function PlaygroundResults({ results, context = '' }: { results: RunPrediction[]; context?: string }) {
  return (
    <div className="playground-results" data-testid="playground-results">
      {results.map((result) => {
        const predicted = predictedLabels(result);
        return (
        <article key={result.runId} className="card playground-result" data-testid="playground-result" data-run-id={result.runId} data-ok={result.ok}>
          <h3 className="playground-run-name" title={result.runName}>
            {result.runName}
          </h3>
          {result.ok && result.answer ? (
            <>
              <AnswerResult result={result} context={context} />
              <Timing result={result} />
            </>
          ) : result.ok ? (
            <>
              <p className="playground-label">
                <span className="muted">Prediction </span>
                <strong data-testid="playground-label">{result.value !== undefined ? result.value.toFixed(4) : result.label || '(no label over 0.5)'}</strong>
              </p>
              <ul className="label-bars playground-bars">
                {probabilityBars(result.labels, result.probabilities).map(({ label, probability }) => (
                  <li key={label} data-testid="probability-bar" data-label={label} data-probability={probability}>
                    <span className="label-name" title={label}>
                      {label}
                    </span>
                    <span className="label-bar-track">
                      <span className={`label-bar${predicted.has(label) ? ' is-predicted' : ''}`} style={{ width: percent(probability) }} />
                    </span>
                    <span className="label-count">{percent(probability)}</span>
                  </li>
                ))}
              </ul>
              <Timing result={result} />
            </>
          ) : (
            <ErrorMessage error={result.error} />
          )}
        </article>
        );
      })}
    </div>
  );
}
