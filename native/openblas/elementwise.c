/*
 * Elementwise kernels of the comparative step, over the tfjs wasm backend's memory in place (see
 * sgemm.c). Why native: the wasm backend runs these single-threaded, as several separate passes
 * over tensors that the C = 2 step makes three times larger ([3 * B * T, 512] for the FFN), and a
 * profile put GELU and the nested dropout masks at ~25% of a BERT-tiny comparative step.
 *
 * biasGelu(buffer, xAt, biasAt, rows, cols, outAt): out = p * sigmoid(1.702 p), p = x + bias[col].
 * biasGeluGrad(buffer, dyAt, xAt, biasAt, rows, cols, dxAt): dx = dy * d/dp[p sigmoid(1.702 p)].
 * nestedDropout(buffer, xAt, uAt, copySize, copies, params, outAt), params a Float32Array
 *   [shift_0, scale_0, shift_1, ...]: out[c, i] = x[c, i] * (u[i] + shift_c >= 1 ? scale_c : 0),
 *   the same float32 arithmetic as nested-dropout.ts's floor(u + (1 - rate)) * 1/(1 - rate) mask,
 *   so masks and outputs are bit-identical to the tf-ops path. Also its own gradient (linear).
 * maskedSoftmax / maskedSoftmaxGrad: attention's softmax of scores + key-padding bias, one pass.
 * biasErfGelu / biasErfGeluGrad: as biasGelu with the exact GELU p * Phi(p) of BERT-family models
 *   (normal_cdf in row-math.h); dx = dy * (Phi(p) + p * exp(-p^2 / 2) / sqrt(2 pi)).
 * Work is split over the BLAS thread count (comparo_blas_threads in sgemm.c; 1 thread for small
 * tensors), on pthreads, or Win32 threads on Windows.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <pthread.h>
#endif

int comparo_blas_threads(void); /* sgemm.c: OpenBLAS's thread count, or Accelerate's recorded one */

#define MAX_THREADS 8
#define MIN_PER_THREAD 65536

typedef struct {
  int kind;
  const float *a, *b, *c;
  float *out;
  const float *params;
  float *acc; /* layerNormGrad: this share's [dgain, dbias] partial sums, 2 * cols */
  float eps;
  int64_t group; /* maskedSoftmax: rows of x per row of bias */
  int64_t rows, cols, width, begin, end; /* cols: row stride; width: columns done */
} job_t;

#include "row-math.h"

/* One copy per instruction set, picked at load time (ifunc): the addon is built once and may be
 * packaged for other x86-64 CPUs, so no -march=native; AVX-512 and AVX2 clones where they run.
 * GCC only, and ELF only (ifunc): a GCC on macOS or MinGW would reject target_clones. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void run_rows(const job_t *job) {
  const int64_t cols = job->cols;
  for (int64_t row = job->begin; row < job->end; row++) {
    if (job->kind >= 7) {
      /* exact GELU of x + bias (7), or its gradient (8, c = dy) */
      const float *x = job->a + row * cols, *bias = job->b;
      float *out = job->out + row * cols;
      float gauss;
      if (job->kind == 7) {
        for (int64_t i = 0; i < cols; i++) {
          const float p = x[i] + bias[i];
          out[i] = p * normal_cdf(p, &gauss);
        }
      } else {
        const float *dy = job->c + row * cols;
        for (int64_t i = 0; i < cols; i++) {
          const float p = x[i] + bias[i];
          const float phi = normal_cdf(p, &gauss);
          out[i] = dy[i] * (phi + p * gauss * 0.39894228040143268f);
        }
      }
      continue;
    }
    if (job->kind >= 5) {
      /* softmax over the row of x + bias[row / group] (forward), or its gradient (c = dy, a = y) */
      const float *x = job->a + row * cols;
      float *out = job->out + row * cols;
      if (job->kind == 5) {
        const float *bias = job->b + (row / job->group) * cols;
        const float top = row_max_plus(x, bias, cols);
        for (int64_t i = 0; i < cols; i++) out[i] = fast_expf(x[i] + bias[i] - top);
        const float inverse = 1.0f / row_sum(out, cols);
        for (int64_t i = 0; i < cols; i++) out[i] *= inverse;
      } else {
        const float *dy = job->c + row * cols;
        const float dot = row_dot(dy, x, cols);
        for (int64_t i = 0; i < cols; i++) out[i] = x[i] * (dy[i] - dot);
      }
      continue;
    }
    if (job->kind >= 3) {
      /* LayerNorm over the row; a = x, b = gain, params = bias (forward) */
      const float *x = job->a + row * cols, *gain = job->b;
      const float mean = row_sum(x, cols) / (float)cols;
      float *out = job->out + row * cols;
      /* the centred row goes through out first (overwritten below): the variance's reduction */
      for (int64_t i = 0; i < cols; i++) out[i] = x[i] - mean;
      const float var = row_dot(out, out, cols);
      const float rstd = 1.0f / sqrtf(var / (float)cols + job->eps);
      if (job->kind == 3) {
        for (int64_t i = 0; i < cols; i++) out[i] = (x[i] - mean) * rstd * gain[i] + job->params[i];
        continue;
      }
      /* backward: c = dy; dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gain */
      const float *dy = job->c + row * cols;
      float *dgain = job->acc, *dbias = job->acc + cols;
      /* out still holds x - mean */
      const float g_mean = row_dot(dy, gain, cols) / (float)cols;
      const float gx_mean = row_dot3(dy, gain, out, cols) * rstd / (float)cols;
      for (int64_t i = 0; i < cols; i++) {
        dgain[i] += dy[i] * out[i] * rstd;
        dbias[i] += dy[i];
      }
      for (int64_t i = 0; i < cols; i++) out[i] = rstd * (dy[i] * gain[i] - g_mean - (x[i] - mean) * rstd * gx_mean);
      continue;
    }
    if (job->kind == 2) {
      /* nested dropout: row = copy, cols = copySize */
      const float shift = job->params[2 * row], scale = job->params[2 * row + 1];
      const float *x = job->a + row * cols, *u = job->b;
      float *out = job->out + row * cols;
      for (int64_t i = 0; i < job->width; i++) out[i] = x[i] * (u[i] + shift >= 1.0f ? scale : 0.0f);
      continue;
    }
    const float *x = job->a + row * cols, *bias = job->b;
    float *out = job->out + row * cols;
    if (job->kind == 0) {
      for (int64_t i = 0; i < cols; i++) {
        float p = x[i] + bias[i];
        out[i] = p / (1.0f + fast_expf(-1.702f * p));
      }
    } else {
      const float *dy = job->c + row * cols;
      for (int64_t i = 0; i < cols; i++) {
        float p = x[i] + bias[i];
        float s = 1.0f / (1.0f + fast_expf(-1.702f * p));
        out[i] = dy[i] * (s + 1.702f * p * s * (1.0f - s));
      }
    }
  }
}

/* A worker thread per share. MSVC has no <pthread.h> (binding.gyp builds with MSVC on Windows), so
 * there the same create / join goes through Win32 threads: a few lines, where a single-threaded
 * fallback would lose the split that makes these kernels worth doing natively. */
#ifdef _WIN32
typedef HANDLE worker_t;
static DWORD WINAPI thread_main(LPVOID arg) {
  run_rows((const job_t *)arg);
  return 0;
}
static int worker_start(worker_t *id, job_t *job) {
  *id = CreateThread(NULL, 0, thread_main, job, 0, NULL);
  return *id != NULL;
}
static void worker_join(worker_t id) {
  WaitForSingleObject(id, INFINITE);
  CloseHandle(id);
}
#else
typedef pthread_t worker_t;
static void *thread_main(void *arg) {
  run_rows((const job_t *)arg);
  return NULL;
}
static int worker_start(worker_t *id, job_t *job) { return pthread_create(id, NULL, thread_main, job) == 0; }
static void worker_join(worker_t id) { pthread_join(id, NULL); }
#endif

/* Splits rows [0, job.rows) over threads; the calling thread takes the first share. For the
 * dropout kernel (few rows of many columns) the split is over column ranges of every copy. */
/* dgain / dbias: layerNormGrad's column sums (else NULL): each share sums its rows into its own
 * partials, added up here in share order, so a given thread count always gives the same sums. */
static void run_parallel(job_t job, float *dgain, float *dbias) {
  int threads = comparo_blas_threads();
  int64_t total = job.rows * job.cols;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (threads > total / MIN_PER_THREAD) threads = (int)(total / MIN_PER_THREAD);
  job.width = job.cols;
  float *partials = NULL;
  if (dgain) {
    partials = calloc((size_t)(threads > 1 ? threads : 1) * 2 * job.cols, sizeof(float));
    if (!partials) threads = 1, partials = calloc((size_t)2 * job.cols, sizeof(float));
    if (!partials) return; /* out of memory: caller checks */
    job.acc = partials;
  }
  if (threads <= 1) {
    job.begin = 0;
    job.end = job.rows;
    run_rows(&job);
    if (dgain) {
      memcpy(dgain, partials, job.cols * sizeof(float));
      memcpy(dbias, partials + job.cols, job.cols * sizeof(float));
      free(partials);
    }
    return;
  }
  job_t parts[MAX_THREADS];
  worker_t ids[MAX_THREADS];
  int started[MAX_THREADS] = {0};
  for (int t = 0; t < threads; t++) {
    parts[t] = job;
    if (job.kind == 2) {
      /* columns [from, to) of every copy: offset the pointers, keep the row stride via cols */
      int64_t from = job.cols * t / threads, to = job.cols * (t + 1) / threads;
      parts[t].begin = 0;
      parts[t].end = job.rows;
      parts[t].a = job.a + from;
      parts[t].b = job.b + from;
      parts[t].out = job.out + from;
      parts[t].width = to - from;
    } else {
      if (partials) parts[t].acc = partials + (int64_t)t * 2 * job.cols;
      parts[t].begin = job.rows * t / threads;
      parts[t].end = job.rows * (t + 1) / threads;
    }
  }
  for (int t = 1; t < threads; t++) started[t] = worker_start(&ids[t], &parts[t]);
  for (int t = 0; t < threads; t++) {
    if (t == 0 || !started[t]) run_rows(&parts[t]);
  }
  for (int t = 1; t < threads; t++) {
    if (started[t]) worker_join(ids[t]);
  }
  if (dgain) {
    for (int64_t i = 0; i < job.cols; i++) {
      float g = 0.0f, b = 0.0f;
      for (int t = 0; t < threads; t++) {
        g += partials[(int64_t)t * 2 * job.cols + i];
        b += partials[(int64_t)t * 2 * job.cols + job.cols + i];
      }
      dgain[i] = g;
      dbias[i] = b;
    }
    free(partials);
  }
}

static int read_buffer(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, uint8_t **base, size_t *length) {
  size_t argc = 10;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != expected) {
    napi_throw_type_error(env, NULL, "comparo_openblas: wrong number of arguments");
    return 0;
  }
  void *data = NULL;
  if (napi_get_arraybuffer_info(env, argv[0], &data, length) != napi_ok) {
    napi_throw_type_error(env, NULL, "comparo_openblas: first argument must be an ArrayBuffer");
    return 0;
  }
  *base = (uint8_t *)data;
  return 1;
}

static int64_t arg64(napi_env env, napi_value value) {
  int64_t result = -1;
  napi_get_value_int64(env, value, &result);
  return result;
}

/* A float32 range [offset, offset + 4 * count) inside the buffer, aligned: else throw, not corrupt. */
static int range_ok(int64_t offset, int64_t count, size_t length) {
  return offset >= 0 && count >= 0 && !(offset & 3) && offset + count * 4 <= (int64_t)length;
}

static napi_value out_of_bounds(napi_env env, const char *what) {
  napi_throw_range_error(env, NULL, what);
  return NULL;
}

/* biasGelu (6 args after the buffer: xAt, biasAt, rows, cols, outAt) and biasGeluGrad (dyAt first);
 * exact = 1: the erf forms (kinds 7 and 8). */
static napi_value gelu_common(napi_env env, napi_callback_info info, int grad, int exact) {
  napi_value argv[10];
  uint8_t *base;
  size_t length;
  if (!read_buffer(env, info, grad ? 7 : 6, argv, &base, &length)) return NULL;
  int i = 1;
  int64_t dy_at = grad ? arg64(env, argv[i++]) : 0;
  int64_t x_at = arg64(env, argv[i++]), bias_at = arg64(env, argv[i++]);
  int64_t rows = arg64(env, argv[i++]), cols = arg64(env, argv[i++]), out_at = arg64(env, argv[i++]);
  if (rows < 0 || cols <= 0 || !range_ok(x_at, rows * cols, length) || !range_ok(bias_at, cols, length) ||
      !range_ok(out_at, rows * cols, length) || (grad && !range_ok(dy_at, rows * cols, length))) {
    return out_of_bounds(env, "comparo_openblas: biasGelu operands out of bounds");
  }
  job_t job = {.kind = (exact ? 7 : 0) + (grad ? 1 : 0), .a = (const float *)(base + x_at), .b = (const float *)(base + bias_at),
               .c = grad ? (const float *)(base + dy_at) : NULL, .out = (float *)(base + out_at), .rows = rows, .cols = cols};
  run_parallel(job, NULL, NULL);
  return NULL;
}

static napi_value bias_gelu(napi_env env, napi_callback_info info) { return gelu_common(env, info, 0, 0); }
static napi_value bias_gelu_grad(napi_env env, napi_callback_info info) { return gelu_common(env, info, 1, 0); }
static napi_value bias_erf_gelu(napi_env env, napi_callback_info info) { return gelu_common(env, info, 0, 1); }
static napi_value bias_erf_gelu_grad(napi_env env, napi_callback_info info) { return gelu_common(env, info, 1, 1); }

static napi_value nested_dropout(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  uint8_t *base;
  size_t length;
  if (!read_buffer(env, info, 7, argv, &base, &length)) return NULL;
  int64_t x_at = arg64(env, argv[1]), u_at = arg64(env, argv[2]);
  int64_t copy_size = arg64(env, argv[3]), copies = arg64(env, argv[4]), out_at = arg64(env, argv[6]);
  napi_typedarray_type type;
  size_t count = 0;
  void *params = NULL;
  if (napi_get_typedarray_info(env, argv[5], &type, &count, &params, NULL, NULL) != napi_ok ||
      type != napi_float32_array || copies <= 0 || (int64_t)count != 2 * copies) {
    napi_throw_type_error(env, NULL, "comparo_openblas: nestedDropout params must be a Float32Array [shift, scale] per copy");
    return NULL;
  }
  if (copy_size <= 0 || !range_ok(x_at, copies * copy_size, length) || !range_ok(u_at, copy_size, length) ||
      !range_ok(out_at, copies * copy_size, length)) {
    return out_of_bounds(env, "comparo_openblas: nestedDropout operands out of bounds");
  }
  job_t job = {.kind = 2, .a = (const float *)(base + x_at), .b = (const float *)(base + u_at), .out = (float *)(base + out_at),
               .params = (const float *)params, .rows = copies, .cols = copy_size};
  run_parallel(job, NULL, NULL);
  return NULL;
}

/* layerNorm(buffer, xAt, gainAt, biasAt, rows, cols, eps, outAt) */
static napi_value layer_norm(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  uint8_t *base;
  size_t length;
  if (!read_buffer(env, info, 8, argv, &base, &length)) return NULL;
  int64_t x_at = arg64(env, argv[1]), gain_at = arg64(env, argv[2]), bias_at = arg64(env, argv[3]);
  int64_t rows = arg64(env, argv[4]), cols = arg64(env, argv[5]), out_at = arg64(env, argv[7]);
  double eps = 0;
  napi_get_value_double(env, argv[6], &eps);
  if (rows < 0 || cols <= 0 || !range_ok(x_at, rows * cols, length) || !range_ok(gain_at, cols, length) ||
      !range_ok(bias_at, cols, length) || !range_ok(out_at, rows * cols, length)) {
    return out_of_bounds(env, "comparo_openblas: layerNorm operands out of bounds");
  }
  job_t job = {.kind = 3, .a = (const float *)(base + x_at), .b = (const float *)(base + gain_at), .out = (float *)(base + out_at),
               .params = (const float *)(base + bias_at), .eps = (float)eps, .rows = rows, .cols = cols};
  run_parallel(job, NULL, NULL);
  return NULL;
}

/* layerNormGrad(buffer, dyAt, xAt, gainAt, rows, cols, eps, dxAt, dgainAt, dbiasAt) */
static napi_value layer_norm_grad(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  uint8_t *base;
  size_t length;
  if (!read_buffer(env, info, 10, argv, &base, &length)) return NULL;
  int64_t dy_at = arg64(env, argv[1]), x_at = arg64(env, argv[2]), gain_at = arg64(env, argv[3]);
  int64_t rows = arg64(env, argv[4]), cols = arg64(env, argv[5]);
  int64_t dx_at = arg64(env, argv[7]), dgain_at = arg64(env, argv[8]), dbias_at = arg64(env, argv[9]);
  double eps = 0;
  napi_get_value_double(env, argv[6], &eps);
  if (rows < 0 || cols <= 0 || !range_ok(dy_at, rows * cols, length) || !range_ok(x_at, rows * cols, length) ||
      !range_ok(gain_at, cols, length) || !range_ok(dx_at, rows * cols, length) || !range_ok(dgain_at, cols, length) ||
      !range_ok(dbias_at, cols, length)) {
    return out_of_bounds(env, "comparo_openblas: layerNormGrad operands out of bounds");
  }
  job_t job = {.kind = 4, .a = (const float *)(base + x_at), .b = (const float *)(base + gain_at), .c = (const float *)(base + dy_at),
               .out = (float *)(base + dx_at), .eps = (float)eps, .rows = rows, .cols = cols};
  run_parallel(job, (float *)(base + dgain_at), (float *)(base + dbias_at));
  return NULL;
}

/* maskedSoftmax(buffer, xAt, biasAt, rows, cols, group, outAt): softmax of x [rows, cols] + bias
 * [rows / group, cols] over each row; maskedSoftmaxGrad(buffer, dyAt, yAt, rows, cols, dxAt). */
static napi_value masked_softmax(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  uint8_t *base;
  size_t length;
  if (!read_buffer(env, info, 7, argv, &base, &length)) return NULL;
  int64_t x_at = arg64(env, argv[1]), bias_at = arg64(env, argv[2]), rows = arg64(env, argv[3]);
  int64_t cols = arg64(env, argv[4]), group = arg64(env, argv[5]), out_at = arg64(env, argv[6]);
  if (rows < 0 || cols <= 0 || group <= 0 || rows % group || !range_ok(x_at, rows * cols, length) ||
      !range_ok(bias_at, rows / group * cols, length) || !range_ok(out_at, rows * cols, length)) {
    return out_of_bounds(env, "comparo_openblas: maskedSoftmax operands out of bounds");
  }
  job_t job = {.kind = 5, .a = (const float *)(base + x_at), .b = (const float *)(base + bias_at),
               .out = (float *)(base + out_at), .group = group, .rows = rows, .cols = cols};
  run_parallel(job, NULL, NULL);
  return NULL;
}

static napi_value masked_softmax_grad(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  uint8_t *base;
  size_t length;
  if (!read_buffer(env, info, 6, argv, &base, &length)) return NULL;
  int64_t dy_at = arg64(env, argv[1]), y_at = arg64(env, argv[2]), rows = arg64(env, argv[3]);
  int64_t cols = arg64(env, argv[4]), out_at = arg64(env, argv[5]);
  if (rows < 0 || cols <= 0 || !range_ok(dy_at, rows * cols, length) || !range_ok(y_at, rows * cols, length) ||
      !range_ok(out_at, rows * cols, length)) {
    return out_of_bounds(env, "comparo_openblas: maskedSoftmaxGrad operands out of bounds");
  }
  job_t job = {.kind = 6, .a = (const float *)(base + y_at), .c = (const float *)(base + dy_at),
               .out = (float *)(base + out_at), .rows = rows, .cols = cols};
  run_parallel(job, NULL, NULL);
  return NULL;
}

void register_elementwise(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
    {"biasGelu", NULL, bias_gelu, NULL, NULL, NULL, napi_default, NULL},
    {"biasGeluGrad", NULL, bias_gelu_grad, NULL, NULL, NULL, napi_default, NULL},
    {"biasErfGelu", NULL, bias_erf_gelu, NULL, NULL, NULL, napi_default, NULL},
    {"biasErfGeluGrad", NULL, bias_erf_gelu_grad, NULL, NULL, NULL, napi_default, NULL},
    {"nestedDropout", NULL, nested_dropout, NULL, NULL, NULL, napi_default, NULL},
    {"maskedSoftmax", NULL, masked_softmax, NULL, NULL, NULL, napi_default, NULL},
    {"maskedSoftmaxGrad", NULL, masked_softmax_grad, NULL, NULL, NULL, napi_default, NULL},
    {"layerNorm", NULL, layer_norm, NULL, NULL, NULL, napi_default, NULL},
    {"layerNormGrad", NULL, layer_norm_grad, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
}
