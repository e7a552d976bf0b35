// coldbench's native engine: oneDNN (libdnnl, the library PyTorch's CPU convolutions use) behind
// the heavy TF.js training kernels. Every tensor is a Float32Array view of TF.js's own memory,
// read and written in place: nothing is copied on the way in or out.
//
// Layouts are TF.js's: activations NHWC, conv filters HWIO, matrices row-major. Each call builds
// (once per shape, then from a per-thread cache) a oneDNN primitive that reads and writes those
// layouts directly; only the filter is reordered to oneDNN's preferred blocked layout.
#include <napi.h>
#include <omp.h>

#include <dnnl.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>

namespace {

using dnnl::algorithm;
using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// One engine and stream per thread: piscina workers are threads, each with its own TF.js.
dnnl::engine &Engine() {
  static thread_local dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}
dnnl::stream &Stream() {
  static thread_local dnnl::stream stream(Engine());
  return stream;
}

// Mixed precision (setPrecision('bf16')): the convolutions read their inputs (x, the filter, dy)
// as bf16 copies and accumulate and write in f32; everything else stays f32. Per thread, like
// the engine: each suite worker trains one run.
thread_local bool bf16 = false;

float *Data(const Napi::Value &value, size_t expected, const char *name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a Float32Array");
  }
  auto array = value.As<Napi::Float32Array>();
  if (array.ElementLength() != expected) {
    throw Napi::RangeError::New(value.Env(), std::string(name) + " has " + std::to_string(array.ElementLength()) +
                                                 " elements, expected " + std::to_string(expected));
  }
  return array.Data();
}

std::vector<int64_t> Ints(const Napi::Value &value, size_t count, const char *name) {
  if (!value.IsArray() || value.As<Napi::Array>().Length() != count) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be an array of " + std::to_string(count) + " integers");
  }
  auto array = value.As<Napi::Array>();
  std::vector<int64_t> out(count);
  for (uint32_t i = 0; i < count; i++) out[i] = array.Get(i).As<Napi::Number>().Int64Value();
  return out;
}

// Fused activations, as TF.js names them; 'prelu' is not here (its weights are a tensor).
struct Activation {
  std::string name = "linear";
  float alpha = 0;
};

bool AppendActivation(const Activation &act, dnnl::post_ops &ops) {
  if (act.name == "linear") return true;
  if (act.name == "relu") ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
  else if (act.name == "leakyrelu") ops.append_eltwise(1.f, algorithm::eltwise_relu, act.alpha, 0.f);
  else if (act.name == "relu6") ops.append_eltwise(1.f, algorithm::eltwise_clip_v2, 0.f, 6.f);
  else if (act.name == "elu") ops.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f);
  else if (act.name == "sigmoid") ops.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f);
  else return false;
  return true;
}

Activation ReadActivation(const Napi::Value &value) {
  Activation act;
  if (value.IsString()) act.name = value.As<Napi::String>().Utf8Value();
  return act;
}

// Conv geometry in TF.js terms: [n, h, w, ci, kh, kw, co, oh, ow, strideH, strideW, dilationH,
// dilationW, padTop, padBottom, padLeft, padRight]; dilation 1 means none.
struct Conv {
  int64_t n, h, w, ci, kh, kw, co, oh, ow, sh, sw, dh, dw, pt, pb, pl, pr;
  explicit Conv(const std::vector<int64_t> &g)
      : n(g[0]), h(g[1]), w(g[2]), ci(g[3]), kh(g[4]), kw(g[5]), co(g[6]), oh(g[7]), ow(g[8]), sh(g[9]), sw(g[10]),
        dh(g[11]), dw(g[12]), pt(g[13]), pb(g[14]), pl(g[15]), pr(g[16]) {}
  memory::desc Src(dt type = dt::f32) const { return {{n, ci, h, w}, type, tag::nhwc}; }
  memory::desc Dst(dt type = dt::f32) const { return {{n, co, oh, ow}, type, tag::nhwc}; }
  memory::desc UserWeights() const { return {{co, ci, kh, kw}, dt::f32, tag::hwio}; }
  memory::desc AnyWeights(dt type = dt::f32) const { return {{co, ci, kh, kw}, type, tag::any}; }
  memory::dims Strides() const { return {sh, sw}; }
  memory::dims Dilations() const { return {dh - 1, dw - 1}; }  // oneDNN counts the gaps
  memory::dims PadL() const { return {pt, pl}; }
  memory::dims PadR() const { return {pb, pr}; }
  size_t SrcSize() const { return n * h * w * ci; }
  size_t DstSize() const { return n * oh * ow * co; }
  size_t WeightsSize() const { return kh * kw * ci * co; }
};

std::string Key(const std::vector<int64_t> &g, const std::string &extra) {
  std::ostringstream key;
  for (auto v : g) key << v << ',';
  key << extra;
  return key.str();
}

// The input type of a conv under the current precision: bf16 copies, or the f32 tensors themselves.
dt In() { return bf16 ? dt::bf16 : dt::f32; }

dnnl::convolution_forward::primitive_desc ForwardHint(const Conv &c, bool bias, const dnnl::primitive_attr &attr) {
  auto bias_md = bias ? memory::desc({c.co}, dt::f32, tag::x) : memory::desc();
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, algorithm::convolution_direct, c.Src(In()),
                                       c.AnyWeights(In()), bias_md, c.Dst(), c.Strides(), c.Dilations(), c.PadL(), c.PadR());
  return {desc, attr, Engine()};
}

// A primitive plus, for convolutions, its filter in oneDNN's preferred layout when that is not HWIO.
struct Prepared {
  dnnl::primitive primitive;
  memory scratch;
  // bf16 copies of the activation inputs (x, dy) under mixed precision; empty in f32.
  memory lp_a, lp_b;
};

template <typename Build>
std::shared_ptr<Prepared> Cached(const std::string &key, Build build) {
  static thread_local std::unordered_map<std::string, std::shared_ptr<Prepared>> cache;
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  std::shared_ptr<Prepared> made;
  try {
    made = build();
  } catch (const dnnl::error &) {
    made = nullptr;  // oneDNN has no implementation for this case: the caller falls back
  }
  cache.emplace(key, made);
  return made;
}

void Reorder(memory &from, memory &to) {
  dnnl::reorder(from, to).execute(Stream(), from, to);
}

// A conv primitive whose filter (or filter gradient) layout `wanted` gets scratch memory if it is not HWIO.
std::shared_ptr<Prepared> WithFilter(dnnl::primitive primitive, const memory::desc &wanted, const Conv &c) {
  auto p = std::make_shared<Prepared>(Prepared{primitive, {}});
  if (wanted != c.UserWeights()) p->scratch = memory(wanted, Engine());
  return p;
}

// A primitive without a filter to reorder.
std::shared_ptr<Prepared> Plainly(dnnl::primitive primitive) {
  return std::make_shared<Prepared>(Prepared{primitive, {}});
}

// The filter as the primitive reads it: the caller's HWIO memory, or a reordered copy in scratch
// (oneDNN's blocked layout, and bf16 under mixed precision).
memory FilterIn(Prepared &p, memory &user) {
  if (!p.scratch) return user;
  Reorder(user, p.scratch);
  return p.scratch;
}

// An f32 activation as the primitive reads it: itself, or its bf16 copy in `lp` (made once per shape).
memory ActivationIn(memory &lp, memory &user) {
  if (!bf16) return user;
  if (!lp) lp = memory(memory::desc(user.get_desc().dims(), dt::bf16, tag::nhwc), Engine());
  Reorder(user, lp);
  return lp;
}

// The key of a cached primitive: its geometry, what it is, and the precision it was built for.
std::string ConvKey(const std::vector<int64_t> &g, const std::string &what) {
  return Key(g, what + (bf16 ? "/bf16" : ""));
}

// conv2d(x, w, bias | null, y, geometry, activation, alpha) -> true, or false if oneDNN cannot.
Napi::Value Conv2d(const Napi::CallbackInfo &info) {
  auto g = Ints(info[4], 17, "geometry");
  Conv c(g);
  bool bias = !info[2].IsNull() && !info[2].IsUndefined();
  Activation act = ReadActivation(info[5]);
  if (info[6].IsNumber()) act.alpha = info[6].As<Napi::Number>().FloatValue();
  float *x = Data(info[0], c.SrcSize(), "x");
  float *w = Data(info[1], c.WeightsSize(), "filter");
  float *b = bias ? Data(info[2], c.co, "bias") : nullptr;
  float *y = Data(info[3], c.DstSize(), "y");

  auto prepared = Cached(ConvKey(g, "fwd" + std::to_string(bias) + act.name + std::to_string(act.alpha)), [&] {
    dnnl::post_ops ops;
    dnnl::primitive_attr attr;
    if (!AppendActivation(act, ops)) throw dnnl::error(dnnl_unimplemented, "activation");
    attr.set_post_ops(ops);
    auto pd = ForwardHint(c, bias, attr);
    return WithFilter(dnnl::convolution_forward(pd), pd.weights_desc(), c);
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);

  memory src(c.Src(), Engine(), x), dst(c.Dst(), Engine(), y), user_w(c.UserWeights(), Engine(), w);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, ActivationIn(prepared->lp_a, src)}, {DNNL_ARG_WEIGHTS, FilterIn(*prepared, user_w)}, {DNNL_ARG_DST, dst}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory({{c.co}, dt::f32, tag::x}, Engine(), b));
  prepared->primitive.execute(Stream(), args);
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// conv2dBackwardData(dy, w, dx, geometry): dx = the input gradient.
Napi::Value Conv2dBackwardData(const Napi::CallbackInfo &info) {
  auto g = Ints(info[3], 17, "geometry");
  Conv c(g);
  float *dy = Data(info[0], c.DstSize(), "dy");
  float *w = Data(info[1], c.WeightsSize(), "filter");
  float *dx = Data(info[2], c.SrcSize(), "dx");

  auto prepared = Cached(ConvKey(g, "bwd-data"), [&] {
    auto hint = ForwardHint(c, false, dnnl::primitive_attr());
    dnnl::convolution_backward_data::desc desc(algorithm::convolution_direct, c.Src(), c.AnyWeights(In()), c.Dst(In()),
                                               c.Strides(), c.Dilations(), c.PadL(), c.PadR());
    dnnl::convolution_backward_data::primitive_desc pd(desc, Engine(), hint);
    return WithFilter(dnnl::convolution_backward_data(pd), pd.weights_desc(), c);
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);

  memory diff_dst(c.Dst(), Engine(), dy), diff_src(c.Src(), Engine(), dx), user_w(c.UserWeights(), Engine(), w);
  prepared->primitive.execute(Stream(), {{DNNL_ARG_DIFF_DST, ActivationIn(prepared->lp_a, diff_dst)}, {DNNL_ARG_WEIGHTS, FilterIn(*prepared, user_w)}, {DNNL_ARG_DIFF_SRC, diff_src}});
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// conv2dBackwardFilter(x, dy, dw, geometry): dw = the filter gradient, HWIO.
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo &info) {
  auto g = Ints(info[3], 17, "geometry");
  Conv c(g);
  float *x = Data(info[0], c.SrcSize(), "x");
  float *dy = Data(info[1], c.DstSize(), "dy");
  float *dw = Data(info[2], c.WeightsSize(), "dw");

  auto prepared = Cached(ConvKey(g, "bwd-filter"), [&] {
    auto hint = ForwardHint(c, false, dnnl::primitive_attr());
    dnnl::convolution_backward_weights::desc desc(algorithm::convolution_direct, c.Src(In()), c.AnyWeights(), c.Dst(In()),
                                                  c.Strides(), c.Dilations(), c.PadL(), c.PadR());
    dnnl::convolution_backward_weights::primitive_desc pd(desc, Engine(), hint);
    return WithFilter(dnnl::convolution_backward_weights(pd), pd.diff_weights_desc(), c);
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);

  memory src(c.Src(), Engine(), x), diff_dst(c.Dst(), Engine(), dy), user_dw(c.UserWeights(), Engine(), dw);
  memory diff_weights = prepared->scratch ? prepared->scratch : user_dw;
  prepared->primitive.execute(Stream(), {{DNNL_ARG_SRC, ActivationIn(prepared->lp_a, src)}, {DNNL_ARG_DIFF_DST, ActivationIn(prepared->lp_b, diff_dst)}, {DNNL_ARG_DIFF_WEIGHTS, diff_weights}});
  if (prepared->scratch) Reorder(prepared->scratch, user_dw);
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// matmul(a, b, bias | null, out, [batchA, batchB, m, k, n, transposeA, transposeB], activation, alpha):
// out[batch, m, n] = act(op(a) op(b) + bias), batches of 1 broadcast; bias has n elements.
Napi::Value MatMul(const Napi::CallbackInfo &info) {
  auto g = Ints(info[4], 7, "geometry");
  int64_t ba = g[0], bb = g[1], m = g[2], k = g[3], n = g[4];
  bool ta = g[5] != 0, tb = g[6] != 0;
  int64_t batch = std::max(ba, bb);
  bool bias = !info[2].IsNull() && !info[2].IsUndefined();
  Activation act = ReadActivation(info[5]);
  if (info[6].IsNumber()) act.alpha = info[6].As<Napi::Number>().FloatValue();
  float *a = Data(info[0], ba * m * k, "a");
  float *b = Data(info[1], bb * k * n, "b");
  float *bv = bias ? Data(info[2], n, "bias") : nullptr;
  float *out = Data(info[3], batch * m * n, "out");

  // Transposed operands are described by strides, so nothing is copied.
  memory::desc a_md({ba, m, k}, dt::f32, ta ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
  memory::desc b_md({bb, k, n}, dt::f32, tb ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
  memory::desc c_md({batch, m, n}, dt::f32, memory::dims{m * n, n, 1});
  memory::desc bias_md({1, 1, n}, dt::f32, memory::dims{n, n, 1});

  auto prepared = Cached(Key(g, "matmul" + std::to_string(bias) + act.name + std::to_string(act.alpha)), [&] {
    dnnl::post_ops ops;
    dnnl::primitive_attr attr;
    if (!AppendActivation(act, ops)) throw dnnl::error(dnnl_unimplemented, "activation");
    attr.set_post_ops(ops);
    auto desc = bias ? dnnl::matmul::desc(a_md, b_md, bias_md, c_md) : dnnl::matmul::desc(a_md, b_md, c_md);
    dnnl::matmul::primitive_desc pd(desc, attr, Engine());
    return Plainly(dnnl::matmul(pd));
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);

  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(a_md, Engine(), a)},
                                       {DNNL_ARG_WEIGHTS, memory(b_md, Engine(), b)},
                                       {DNNL_ARG_DST, memory(c_md, Engine(), out)}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(bias_md, Engine(), bv));
  prepared->primitive.execute(Stream(), args);
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// Row-major descriptor of a plain tensor.
memory::desc Plain(const memory::dims &dims) {
  memory::dims strides(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; i--) strides[i] = strides[i + 1] * dims[i + 1];
  return {dims, dt::f32, strides};
}

size_t Count(const memory::dims &dims) {
  size_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

// concat(parts[], out, [outer, inner], sizes[]): parts [outer, size_i, inner] joined on the middle axis.
// split(x, parts[], [outer, inner], sizes[]): the inverse, each part a reorder of a window of x.
struct Axis {
  int64_t outer, inner;
  std::vector<int64_t> sizes;
  int64_t total = 0;
  Axis(const Napi::CallbackInfo &info) {
    auto oi = Ints(info[2], 2, "[outer, inner]");
    outer = oi[0], inner = oi[1];
    sizes = Ints(info[3], info[3].As<Napi::Array>().Length(), "sizes");
    for (auto s : sizes) total += s;
  }
  memory::desc Part(size_t i) const { return Plain({outer, sizes[i], inner}); }
  memory::desc Whole() const { return Plain({outer, total, inner}); }
};

Napi::Value Concat(const Napi::CallbackInfo &info) {
  Axis a(info);
  auto parts = info[0].As<Napi::Array>();
  std::vector<memory::desc> mds;
  for (size_t i = 0; i < a.sizes.size(); i++) mds.push_back(a.Part(i));
  std::string key = Key({a.outer, a.inner}, "concat") + Key(a.sizes, "");
  auto prepared = Cached(key, [&] { return Plainly(dnnl::concat(dnnl::concat::primitive_desc(a.Whole(), 1, mds, Engine()))); });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);
  std::unordered_map<int, memory> args{{DNNL_ARG_DST, memory(a.Whole(), Engine(), Data(info[1], Count({a.outer, a.total, a.inner}), "out"))}};
  for (uint32_t i = 0; i < a.sizes.size(); i++) {
    args.emplace(DNNL_ARG_MULTIPLE_SRC + i, memory(mds[i], Engine(), Data(parts.Get(i), Count({a.outer, a.sizes[i], a.inner}), "part")));
  }
  prepared->primitive.execute(Stream(), args);
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Split(const Napi::CallbackInfo &info) {
  Axis a(info);
  auto parts = info[1].As<Napi::Array>();
  float *x = Data(info[0], Count({a.outer, a.total, a.inner}), "x");
  int64_t offset = 0;
  for (uint32_t i = 0; i < a.sizes.size(); i++) {
    auto window = a.Whole().submemory_desc({a.outer, a.sizes[i], a.inner}, {0, offset, 0});
    memory from(window, Engine(), x), to(a.Part(i), Engine(), Data(parts.Get(i), Count({a.outer, a.sizes[i], a.inner}), "part"));
    Reorder(from, to);
    offset += a.sizes[i];
  }
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// avgPoolBackward(dy, dx, [n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pb, pl, pr]): TF.js's average
// (padding excluded from the count) pooling gradient, NHWC.
Napi::Value AvgPoolBackward(const Napi::CallbackInfo &info) {
  auto g = Ints(info[2], 14, "geometry");
  int64_t n = g[0], h = g[1], w = g[2], c = g[3], oh = g[4], ow = g[5];
  memory::desc src_md({n, c, h, w}, dt::f32, tag::nhwc), dst_md({n, c, oh, ow}, dt::f32, tag::nhwc);
  memory::dims strides{g[8], g[9]}, kernel{g[6], g[7]}, pad_l{g[10], g[12]}, pad_r{g[11], g[13]};
  auto prepared = Cached(Key(g, "avgpool-bwd"), [&] {
    auto alg = algorithm::pooling_avg_exclude_padding;
    dnnl::pooling_forward::primitive_desc hint(
        dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, alg, src_md, dst_md, strides, kernel, pad_l, pad_r), Engine());
    dnnl::pooling_backward::primitive_desc pd(dnnl::pooling_backward::desc(alg, src_md, dst_md, strides, kernel, pad_l, pad_r), Engine(), hint);
    return Plainly(dnnl::pooling_backward(pd));
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);
  prepared->primitive.execute(Stream(), {{DNNL_ARG_DIFF_DST, memory(dst_md, Engine(), Data(info[0], n * oh * ow * c, "dy"))},
                                         {DNNL_ARG_DIFF_SRC, memory(src_md, Engine(), Data(info[1], n * h * w * c, "dx"))}});
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// relu(x, out, size): out = max(x, 0).
Napi::Value Relu(const Napi::CallbackInfo &info) {
  int64_t n = info[2].As<Napi::Number>().Int64Value();
  auto md = Plain({n});
  auto prepared = Cached(Key({n}, "relu"), [&] {
    return Plainly(dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, algorithm::eltwise_relu, md, 0.f, 0.f), Engine())));
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);
  prepared->primitive.execute(Stream(), {{DNNL_ARG_SRC, memory(md, Engine(), Data(info[0], n, "x"))}, {DNNL_ARG_DST, memory(md, Engine(), Data(info[1], n, "out"))}});
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// binary(a, aDims, b, bDims, out, op): out = a op b, op 0 add, 1 multiply, 2 subtract; aDims is
// the output's shape and bDims broadcasts to it (1 where it repeats), both of one rank.
Napi::Value Binary(const Napi::CallbackInfo &info) {
  auto a_dims = Ints(info[1], info[1].As<Napi::Array>().Length(), "aDims");
  auto b_dims = Ints(info[3], a_dims.size(), "bDims");
  int op = info[5].As<Napi::Number>().Int32Value();
  auto a_md = Plain(a_dims), b_md = Plain(b_dims);
  const algorithm algs[] = {algorithm::binary_add, algorithm::binary_mul, algorithm::binary_sub};
  auto prepared = Cached(Key(a_dims, "binary" + std::to_string(op)) + Key(b_dims, ""), [&] {
    return Plainly(dnnl::binary(dnnl::binary::primitive_desc(dnnl::binary::desc(algs[op], a_md, b_md, a_md), Engine())));
  });
  if (!prepared) return Napi::Boolean::New(info.Env(), false);
  prepared->primitive.execute(Stream(), {{DNNL_ARG_SRC_0, memory(a_md, Engine(), Data(info[0], Count(a_dims), "a"))},
                                         {DNNL_ARG_SRC_1, memory(b_md, Engine(), Data(info[2], Count(b_dims), "b"))},
                                         {DNNL_ARG_DST, memory(a_md, Engine(), Data(info[4], Count(a_dims), "out"))}});
  Stream().wait();
  return Napi::Boolean::New(info.Env(), true);
}

// Nearest upsampling by whole factors and its gradient are plain loops, not oneDNN's resampling
// primitive: they are memory-bound copies, and Debian's oneDNN 2.6.3 resampling segfaults on AMD
// EPYC CPUs (AVX-512 with bf16) for nhwc f32 at batch 16 and over, in both its avx512 and avx2
// JIT code. With whole factors the nearest source of output row d is d / (oh / h) (TF.js's
// floor(d·h/oh) with alignCorners and halfPixelCenters off).
struct Upsample {
  int64_t n, h, w, c, fh, fw;
  explicit Upsample(const std::vector<int64_t> &g) : n(g[0]), h(g[1]), w(g[2]), c(g[3]), fh(g[4] / g[1]), fw(g[5] / g[2]) {}
  static bool Whole(const std::vector<int64_t> &g) {
    return g[0] >= 0 && g[1] > 0 && g[2] > 0 && g[3] >= 0 && g[4] > 0 && g[5] > 0 && g[4] % g[1] == 0 && g[5] % g[2] == 0;
  }
  size_t Small() const { return static_cast<size_t>(n * h * w * c); }
  size_t Large() const { return Small() * fh * fw; }
};

// resizeNearest(x, y, [n, h, w, c, oh, ow]): y[b, i, j] = x[b, i / fh, j / fw], one channel row at a time.
Napi::Value ResizeNearest(const Napi::CallbackInfo &info) {
  auto g = Ints(info[2], 6, "geometry");
  if (!Upsample::Whole(g)) return Napi::Boolean::New(info.Env(), false);
  Upsample u(g);
  const float *x = Data(info[0], u.Small(), "x");
  float *y = Data(info[1], u.Large(), "y");
  const size_t row = static_cast<size_t>(u.c) * sizeof(float);
  for (int64_t b = 0; b < u.n; b++) {
    for (int64_t i = 0; i < u.h * u.fh; i++) {
      const float *from = x + ((b * u.h + i / u.fh) * u.w) * u.c;
      float *to = y + ((b * u.h * u.fh + i) * u.w * u.fw) * u.c;
      for (int64_t j = 0; j < u.w * u.fw; j++) std::memcpy(to + j * u.c, from + (j / u.fw) * u.c, row);
    }
  }
  return Napi::Boolean::New(info.Env(), true);
}

// resizeNearestBackward(dy, dx, [n, h, w, c, oh, ow]): dx[b, i, j] = the sum of dy over the
// fh × fw block that pixel was copied to.
Napi::Value ResizeNearestBackward(const Napi::CallbackInfo &info) {
  auto g = Ints(info[2], 6, "geometry");
  if (!Upsample::Whole(g)) return Napi::Boolean::New(info.Env(), false);
  Upsample u(g);
  const float *dy = Data(info[0], u.Large(), "dy");
  float *dx = Data(info[1], u.Small(), "dx");
  std::fill(dx, dx + u.Small(), 0.f);
  for (int64_t b = 0; b < u.n; b++) {
    for (int64_t i = 0; i < u.h * u.fh; i++) {
      float *to = dx + ((b * u.h + i / u.fh) * u.w) * u.c;
      const float *from = dy + ((b * u.h * u.fh + i) * u.w * u.fw) * u.c;
      for (int64_t j = 0; j < u.w * u.fw; j++) {
        float *out = to + (j / u.fw) * u.c;
        const float *in = from + j * u.c;
        for (int64_t k = 0; k < u.c; k++) out[k] += in[k];
      }
    }
  }
  return Napi::Boolean::New(info.Env(), true);
}

// setThreads(n): OpenMP threads for this thread's oneDNN calls (an OpenMP setting is per thread).
// adam(w, g, m, v, wOut, mOut, vOut, n, [b1, 1 - b1, b2, 1 - b2, lr·c1, c2, eps]): one Adam step
// (train/adam.ts) for one variable, in float32 with every operation rounded as TF.js's kernels
// round it (m·b1 + g·(1 − b1); v·b2 + g²·(1 − b2); w − m·lr·c1 / (√(v·c2) + eps)), so the fused
// step gives the same bits as the ~12 kernels it replaces. binding.gyp compiles with
// -ffp-contract=off so no a·b + c becomes an FMA. Elementwise, so any thread count gives the same.
Napi::Value Adam(const Napi::CallbackInfo &info) {
  int64_t n = info[7].As<Napi::Number>().Int64Value();
  auto s = info[8].As<Napi::Array>();
  if (n < 0 || s.Length() != 7) throw Napi::RangeError::New(info.Env(), "adam needs n >= 0 and 7 scalars");
  float k[7];
  for (uint32_t i = 0; i < 7; i++) k[i] = static_cast<float>(s.Get(i).As<Napi::Number>().DoubleValue());
  const float b1 = k[0], ob1 = k[1], b2 = k[2], ob2 = k[3], lrc1 = k[4], c2 = k[5], eps = k[6];
  const float *w = Data(info[0], n, "w"), *g = Data(info[1], n, "g"), *m = Data(info[2], n, "m"), *v = Data(info[3], n, "v");
  float *wo = Data(info[4], n, "wOut"), *mo = Data(info[5], n, "mOut"), *vo = Data(info[6], n, "vOut");
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * ob1;
    const float g2 = gi * gi;
    const float vi = v[i] * b2 + g2 * ob2;
    const float step = (mi * lrc1) / (std::sqrt(vi * c2) + eps);
    wo[i] = w[i] - step;
    mo[i] = mi;
    vo[i] = vi;
  }
  return Napi::Boolean::New(info.Env(), true);
}

// reluGrad(dy, y, out, n): ReLU's gradient from its output, out = dy · step(y) with TF.js's Step
// (1 above 0, NaN for NaN, else 0), so the product has the bits of the Cast, Step and Multiply
// kernels it replaces, signed zeros included (engine/conv-relu.ts). Elementwise: any thread count
// gives the same.
Napi::Value ReluGrad(const Napi::CallbackInfo &info) {
  int64_t n = info[3].As<Napi::Number>().Int64Value();
  if (n < 0) throw Napi::RangeError::New(info.Env(), "reluGrad needs n >= 0");
  const float *dy = Data(info[0], n, "dy"), *y = Data(info[1], n, "y");
  float *out = Data(info[2], n, "out");
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; i++) {
    const float yi = y[i];
    const float step = yi > 0.0f ? 1.0f : (std::isnan(yi) ? NAN : 0.0f);
    out[i] = dy[i] * step;
  }
  return Napi::Boolean::New(info.Env(), true);
}

// setPrecision('fp32' | 'bf16'): the convolutions' input precision on this thread. bf16 needs a CPU
// with AVX512_BF16 or AMX (oneDNN's avx512_core_bf16 or avx512_core_amx); elsewhere it throws.
Napi::Value SetPrecision(const Napi::CallbackInfo &info) {
  std::string p = info[0].As<Napi::String>().Utf8Value();
  if (p != "fp32" && p != "bf16") throw Napi::RangeError::New(info.Env(), "precision must be fp32 or bf16");
  auto isa = dnnl::get_effective_cpu_isa();
  if (p == "bf16" && isa != dnnl::cpu_isa::avx512_core_bf16 && isa != dnnl::cpu_isa::avx512_core_amx) {
    throw Napi::Error::New(info.Env(), "bf16 needs a CPU with AVX512_BF16 or AMX");
  }
  bf16 = p == "bf16";
  return info.Env().Undefined();
}

Napi::Value GetPrecision(const Napi::CallbackInfo &info) {
  return Napi::String::New(info.Env(), bf16 ? "bf16" : "fp32");
}

Napi::Value SetThreads(const Napi::CallbackInfo &info) {
  omp_set_num_threads(std::max(1, info[0].As<Napi::Number>().Int32Value()));
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

Napi::Value Version(const Napi::CallbackInfo &info) {
  const dnnl_version_t *v = dnnl_version();
  std::string isa;
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::avx512_core: isa = "avx512_core"; break;
    case dnnl::cpu_isa::avx512_core_vnni: isa = "avx512_core_vnni"; break;
    case dnnl::cpu_isa::avx512_core_bf16: isa = "avx512_core_bf16"; break;
    case dnnl::cpu_isa::avx512_core_amx: isa = "avx512_core_amx"; break;
    case dnnl::cpu_isa::avx2: isa = "avx2"; break;
    case dnnl::cpu_isa::avx2_vnni: isa = "avx2_vnni"; break;
    case dnnl::cpu_isa::avx: isa = "avx"; break;
    case dnnl::cpu_isa::sse41: isa = "sse41"; break;
    default: isa = "other";
  }
  auto out = Napi::Object::New(info.Env());
  out.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  out.Set("isa", isa);
  return out;
}

template <Napi::Value (*F)(const Napi::CallbackInfo &)>
Napi::Value Guarded(const Napi::CallbackInfo &info) {
  try {
    return F(info);
  } catch (const dnnl::error &e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Guarded<Conv2d>));
  exports.Set("conv2dBackwardData", Napi::Function::New(env, Guarded<Conv2dBackwardData>));
  exports.Set("conv2dBackwardFilter", Napi::Function::New(env, Guarded<Conv2dBackwardFilter>));
  exports.Set("matMul", Napi::Function::New(env, Guarded<MatMul>));
  exports.Set("concat", Napi::Function::New(env, Guarded<Concat>));
  exports.Set("split", Napi::Function::New(env, Guarded<Split>));
  exports.Set("avgPoolBackward", Napi::Function::New(env, Guarded<AvgPoolBackward>));
  exports.Set("relu", Napi::Function::New(env, Guarded<Relu>));
  exports.Set("binary", Napi::Function::New(env, Guarded<Binary>));
  exports.Set("resizeNearest", Napi::Function::New(env, Guarded<ResizeNearest>));
  exports.Set("resizeNearestBackward", Napi::Function::New(env, Guarded<ResizeNearestBackward>));
  exports.Set("adam", Napi::Function::New(env, Guarded<Adam>));
  exports.Set("reluGrad", Napi::Function::New(env, Guarded<ReluGrad>));
  exports.Set("setPrecision", Napi::Function::New(env, SetPrecision));
  exports.Set("getPrecision", Napi::Function::New(env, GetPrecision));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("version", Napi::Function::New(env, Version));
  return exports;
}

}  // namespace

NODE_API_MODULE(coldbench_native, Init)
