// `npm run cli -- --help`: every command, option and exit code, in one text.
import { ATTACH_USAGE } from './attach-command';
import { COMPARISON_SEED_USAGE } from './comparison-seed-commands';
import { HISTORY_USAGE } from './history-commands';
import { MODELS_USAGE } from './models-command';
import { PREDICT_USAGE } from './predict-command';
import { PRETRAIN_USAGE } from './pretrain-command';
import { RUN_CONTROL_USAGE } from './run-control-commands';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  import <file|folder> [--text-column C] [--text-pair-column C] [--label-column C] [--task T] [--skip-bad-rows]
         [--strip-html] [--test-share x] [--qa-distractors K]
                                         import CSV/TSV (any delimiter), JSON, JSON Lines, SQuAD or Parquet;
                                         a folder's train/validation/test files become one dataset; --test-share
                                         holds out that share of a single file as a stratified test split (question
                                         answering: grouped by context);
                                         --skip-bad-rows leaves out (and lists) rows with a problem of their own;
                                         --strip-html removes HTML tags (<br />) and decodes entities (&amp;);
                                         --qa-distractors K adds K other paragraphs of the same article to
                                         each question-answering context (long inputs)
  train [--dataset <id|file>] --loss baseline|comparative [--ablations C] [--seed N] [--epochs N]
  compare [--dataset <id|file>] [--seeds N] [--epochs N] [--ablations C]
                                         baseline vs comparative with matched seeds, then the table
                                         (train/compare --model <folder|org/name|builtin>: fine-tune a pretrained encoder)
  show <run-id>                          one run's status, config and metrics
${RUN_CONTROL_USAGE}
${ATTACH_USAGE}
${COMPARISON_SEED_USAGE}
${HISTORY_USAGE}
${PREDICT_USAGE}
${PRETRAIN_USAGE}
  export <run-id> --format huggingface|tfjs [--out <folder>]
                                         a run's best model: a Hugging Face folder (pretrained runs) or TF.js
                                         (default folder: <data dir>/exports/<run-id>-<format>)
${MODELS_USAGE}

Options: --json (machine-readable output on stdout), --data-dir <path> (or COMPARO_DATA_DIR),
  --preset default|quick, --target ultra|first|best, --temperature T, --dropout p, --lr x,
  --batch-size N, --max-train N, --backend auto|tensorflow|wasm|cpu, --crops N,
  --objective comparative|primary_hinge|listmle, --primary max|avg|first|last, --lambda x,
  --grad-accum N, --patience N, --selection-metric accuracy|macro_f1|mcc|loss|pearson|spearman,
  --keep-checkpoints N (periodic checkpoints kept per run besides the best; default 2, 0 = all),
  --sequential (run the ablated copies one after another instead of batched),
  --queue redis://host:6379/0 (train and compare on remote workers, \`npm run worker\`, through that Redis; rediss:// for TLS),
  --artefacts s3://bucket[/prefix] and --s3-endpoint URL (with --queue: big checkpoints through that S3-compatible bucket).
  --dataset defaults to the embedded IMDB sample; --dataset spam is the embedded spam/ham e-mail sample; --dataset squad the SQuAD 2.0 excerpt, squad-long the same with 3 other paragraphs per context.

Exit codes: 0 done (the run or comparison completed; the action took effect)
            1 a run or comparison did not complete (failed, cancelled, interrupted), or an unexpected error
            2 bad usage, a malformed input file (file:line:column: what is wrong, on stderr), an unknown id
            3 refused: the run or dataset is in a state that does not allow it (already finished, trained by
              another Comparo process), or the database stayed busy
            130 stopped with Ctrl+C (unfinished runs are marked interrupted; resume <run-id> continues them;
              an import in progress is cancelled and nothing of it stays), 143 the same on SIGTERM`;
