/*
 * Optional native accelerator for the tfjs wasm backend: OpenBLAS sgemm (Accelerate's on macOS)
 * over the backend's own WebAssembly.Memory. The kernel passes the memory's ArrayBuffer plus byte
 * offsets, so operands are read and the product written in place, with no copy. Plain C against
 * node_api.h (N-API is ABI-stable: the same binary loads in Node and in Electron without a
 * rebuild), kept to the C99 subset MSVC also compiles (Windows, binding.gyp).
 *
 * exports.sgemm(buffer, transA, transB, m, n, k, aOffset, bOffset, cOffset,
 *               batch, aStride, bStride, cStride)
 *   for g in 0..batch-1: C_g[m, n] = op(A_g) op(B_g), row-major, offsets/strides in bytes;
 *   a stride of 0 broadcasts that operand over the batch.
 * exports.columnSum(buffer, xOffset, rows, cols, outOffset): out[j] = sum_i x[i, j].
 * exports.setThreads(n), exports.threads(). Elementwise kernels (GELU, nested dropout): elementwise.c.
 */
#include <stdint.h>
#include <string.h>
#include <node_api.h>

#ifdef COMPARO_ACCELERATE
/* macOS (binding.gyp): Apple's Accelerate has the same cblas_sgemm but no openblas_set_num_threads
 * or openblas_get_num_threads; its thread count comes from the VECLIB_MAXIMUM_THREADS environment
 * variable, read by Accelerate itself, not from a call here. So setThreads only records the
 * request (1 until then, DEFAULT_THREADS of main/kernels/openblas-kernels.ts); threads() returns
 * it, and elementwise.c splits its own work over it, as it splits over OpenBLAS's count elsewhere. */
#include <Accelerate/Accelerate.h>

static int requested_threads = 1;
static void set_blas_threads(int n) { requested_threads = n < 1 ? 1 : n; }
int comparo_blas_threads(void) { return requested_threads; }
#else
#include <cblas.h>

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
static void set_blas_threads(int n) { openblas_set_num_threads(n); }
/* elementwise.c's thread count too: one definition per BLAS, here */
int comparo_blas_threads(void) { return openblas_get_num_threads(); }
#endif

#define MAX_ARGS 13

static int read_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, uint8_t **base, size_t *length) {
  size_t argc = MAX_ARGS;
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

static int64_t int_arg(napi_env env, napi_value value) {
  int64_t result = 0;
  napi_get_value_int64(env, value, &result);
  return result;
}

/* Every byte range touched must lie inside the buffer: a bad offset must throw, not corrupt. */
static int in_bounds(int64_t offset, int64_t stride, int64_t batch, int64_t elements, size_t length) {
  if (offset < 0 || stride < 0 || (offset & 3) || (stride & 3)) return 0;
  int64_t last = offset + stride * (batch - 1) + elements * 4;
  return last <= (int64_t)length;
}

static napi_value sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *base;
  size_t length;
  if (!read_args(env, info, 13, argv, &base, &length)) return NULL;
  bool trans_a = false, trans_b = false;
  napi_get_value_bool(env, argv[1], &trans_a);
  napi_get_value_bool(env, argv[2], &trans_b);
  int64_t m = int_arg(env, argv[3]), n = int_arg(env, argv[4]), k = int_arg(env, argv[5]);
  int64_t a_at = int_arg(env, argv[6]), b_at = int_arg(env, argv[7]), c_at = int_arg(env, argv[8]);
  int64_t batch = int_arg(env, argv[9]);
  int64_t a_stride = int_arg(env, argv[10]), b_stride = int_arg(env, argv[11]), c_stride = int_arg(env, argv[12]);
  if (m <= 0 || n <= 0 || k <= 0 || batch <= 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX ||
      !in_bounds(a_at, a_stride, batch, m * k, length) || !in_bounds(b_at, b_stride, batch, k * n, length) ||
      !in_bounds(c_at, c_stride, batch, m * n, length)) {
    napi_throw_range_error(env, NULL, "comparo_openblas: sgemm operands out of bounds");
    return NULL;
  }
  int lda = trans_a ? (int)m : (int)k;
  int ldb = trans_b ? (int)k : (int)n;
  for (int64_t g = 0; g < batch; g++) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, 1.0f,
                (const float *)(base + a_at + g * a_stride), lda,
                (const float *)(base + b_at + g * b_stride), ldb, 0.0f,
                (float *)(base + c_at + g * c_stride), (int)n);
  }
  return NULL;
}

static napi_value column_sum(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *base;
  size_t length;
  if (!read_args(env, info, 5, argv, &base, &length)) return NULL;
  int64_t x_at = int_arg(env, argv[1]), rows = int_arg(env, argv[2]), cols = int_arg(env, argv[3]);
  int64_t out_at = int_arg(env, argv[4]);
  if (rows < 0 || cols <= 0 || !in_bounds(x_at, 0, 1, rows * cols, length) || !in_bounds(out_at, 0, 1, cols, length)) {
    napi_throw_range_error(env, NULL, "comparo_openblas: columnSum operands out of bounds");
    return NULL;
  }
  const float *x = (const float *)(base + x_at);
  float *out = (float *)(base + out_at);
  memset(out, 0, (size_t)cols * sizeof(float));
  for (int64_t i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    for (int64_t j = 0; j < cols; j++) out[j] += row[j];
  }
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 1) set_blas_threads((int)int_arg(env, argv[0]));
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_int32(env, comparo_blas_threads(), &result);
  return result;
}

void register_elementwise(napi_env env, napi_value exports); /* elementwise.c */

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
    {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
    {"columnSum", NULL, column_sum, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"threads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  register_elementwise(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
