// Gzip for the push engine: libdeflate compresses one block into one gzip member on libuv's thread pool, so both
// cores compress while the JavaScript thread hashes and uploads. libdeflate is 2-3 x faster than zlib at a better
// ratio, and one-shot block compression is exactly what block-parallel gzip needs.
#define NAPI_VERSION 8
#include <libdeflate.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(_MSC_VER)
#define THREAD_LOCAL __declspec(thread)
#else
#define THREAD_LOCAL _Thread_local
#endif

#define MAX_LEVEL 12
#define SAMPLE_BYTES (64 * 1024)

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;
  napi_ref output_ref;
  const uint8_t *input;
  size_t input_length;
  uint8_t *output;
  size_t output_capacity;
  size_t output_length;
  int level;
  // The bytes the block is judged by (compressibility.ts picks them), copied in after the task; none: not judged.
  const uint8_t *sample;
  size_t sample_length;
  size_t sample_limit;
  const char *error;
} GzipTask;

// A compressor is not thread-safe; each pool thread keeps its own per level for its lifetime.
static THREAD_LOCAL struct libdeflate_compressor *compressors[MAX_LEVEL + 1];

static struct libdeflate_compressor *compressor_for(int level) {
  if (!compressors[level]) compressors[level] = libdeflate_alloc_compressor(level);
  return compressors[level];
}

// Random or already-compressed bytes are stored, a copy instead of a futile search for matches: when the sample the
// caller took (compressibility.ts, the same for the zlib engine) does not deflate to sample_limit bytes or fewer.
static int looks_incompressible(const GzipTask *task) {
  static THREAD_LOCAL uint8_t sample_out[SAMPLE_BYTES];
  if (!task->sample || task->sample_length == 0) return 0;
  struct libdeflate_compressor *fast = compressor_for(1);
  if (!fast) return 0;
  return libdeflate_deflate_compress(fast, task->sample, task->sample_length, sample_out, task->sample_limit) == 0;
}

static void execute(napi_env env, void *data) {
  (void)env;
  GzipTask *task = data;
  int level = task->level > 0 && looks_incompressible(task) ? 0 : task->level;
  struct libdeflate_compressor *compressor = compressor_for(level);
  if (!compressor) {
    task->error = "out of memory allocating a compressor";
    return;
  }
  task->output_length = libdeflate_gzip_compress(compressor, task->input, task->input_length, task->output, task->output_capacity);
  if (task->output_length == 0) task->error = "libdeflate could not compress the block";
}

static void complete(napi_env env, napi_status status, void *data) {
  GzipTask *task = data;
  if (status == napi_cancelled || task->error) {
    napi_value message, error;
    napi_create_string_utf8(env, status == napi_cancelled ? "compression cancelled" : task->error, NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, task->deferred, error);
  } else {
    napi_value length;
    napi_create_double(env, (double)task->output_length, &length);
    napi_resolve_deferred(env, task->deferred, length);
  }
  napi_delete_reference(env, task->input_ref);
  napi_delete_reference(env, task->output_ref);
  napi_delete_async_work(env, task->work);
  free(task);
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int bytes_of(napi_env env, napi_value value, uint8_t **bytes, size_t *length) {
  bool is_typed_array = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)bytes, NULL, NULL) != napi_ok) return 0;
  return type == napi_uint8_array;
}

// gzip(data, output, level[, sample, sampleLimit]): Promise<number>, the length of the gzip member written at the
// start of `output`. Neither buffer may be touched until the promise settles; `output` needs bound(data.length) bytes.
// With a sample (at most SAMPLE_BYTES, copied now), the block is stored when the sample does not deflate to
// sampleLimit bytes or fewer.
static napi_value gzip(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return fail(env, "gzip(data, output, level) needs three arguments");
  uint8_t *input, *output;
  size_t input_length, output_capacity;
  if (!bytes_of(env, argv[0], &input, &input_length)) return fail(env, "data must be a Uint8Array");
  if (!bytes_of(env, argv[1], &output, &output_capacity)) return fail(env, "output must be a Uint8Array");
  if (output_capacity < libdeflate_gzip_compress_bound(NULL, input_length)) return fail(env, "output is smaller than bound(data.length)");
  int32_t level;
  if (napi_get_value_int32(env, argv[2], &level) != napi_ok || level < 0 || level > MAX_LEVEL) return fail(env, "level must be an integer from 0 to 12");

  uint8_t *sample = NULL;
  size_t sample_length = 0;
  uint32_t sample_limit = 0;
  if (argc >= 5) {
    if (!bytes_of(env, argv[3], &sample, &sample_length) || sample_length > SAMPLE_BYTES) return fail(env, "sample must be a Uint8Array of at most 64 KiB");
    if (napi_get_value_uint32(env, argv[4], &sample_limit) != napi_ok || sample_limit > sample_length) return fail(env, "sampleLimit must be an integer up to the sample's length");
  }

  GzipTask *task = calloc(1, sizeof(GzipTask) + sample_length);
  if (!task) return fail(env, "out of memory");
  if (sample_length > 0) {
    memcpy(task + 1, sample, sample_length);
    task->sample = (const uint8_t *)(task + 1);
    task->sample_length = sample_length;
    task->sample_limit = sample_limit;
  }
  task->input = input;
  task->input_length = input_length;
  task->output = output;
  task->output_capacity = output_capacity;
  task->level = level;
  napi_value promise, name;
  napi_create_reference(env, argv[0], 1, &task->input_ref);
  napi_create_reference(env, argv[1], 1, &task->output_ref);
  napi_create_promise(env, &task->deferred, &promise);
  napi_create_string_utf8(env, "stevedore:gzip", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, task, &task->work);
  napi_queue_async_work(env, task->work);
  return promise;
}

// bound(length): the most bytes gzip() can write for `length` bytes of input, at any level.
static napi_value bound(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  double length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_double(env, argv[0], &length) != napi_ok || length < 0) return fail(env, "bound(length) needs a length");
  napi_create_double(env, (double)libdeflate_gzip_compress_bound(NULL, (size_t)length), &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn, version;
  napi_create_function(env, "gzip", NAPI_AUTO_LENGTH, gzip, NULL, &fn);
  napi_set_named_property(env, exports, "gzip", fn);
  napi_create_function(env, "bound", NAPI_AUTO_LENGTH, bound, NULL, &fn);
  napi_set_named_property(env, exports, "bound", fn);
  napi_create_string_utf8(env, "libdeflate " LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "version", version);
  return exports;
}
