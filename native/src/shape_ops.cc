// Views, indexing, joining and conversion: ops that move or select elements without arithmetic.
#include "common.h"

namespace leanconv {

LC_OP(reshape) { LC_RET(T(info, 0).reshape(IList(info, 1))); }
LC_OP(view) { LC_RET(T(info, 0).view(IList(info, 1))); }
LC_OP(permute) { LC_RET(T(info, 0).permute(IList(info, 1))); }
LC_OP(transpose) { LC_RET(T(info, 0).transpose(I(info, 1), I(info, 2))); }
// contiguous(t, channelsLast?): a dense copy (or t itself) in NCHW order, or in NHWC order for 4-D tensors.
static at::MemoryFormat Format(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsBoolean() && info[i].As<Napi::Boolean>().Value() ? at::MemoryFormat::ChannelsLast
                                                                                        : at::MemoryFormat::Contiguous;
}
LC_OP(contiguous) { LC_RET(T(info, 0).contiguous(Format(info, 1))); }
LC_OP(isContiguousAs) { return Napi::Boolean::New(info.Env(), T(info, 0).is_contiguous(Format(info, 1))); }
// setData_(param, source): the parameter now holds source's storage and layout (same shape and dtype); its
// identity, requires-grad flag and autograd role are kept (torch's param.data = ...). Unlike torch, the
// version counter is bumped: values derived from the tensor (folded kernels) must see the change.
LC_OP(setData_) {
  at::Tensor t = T(info, 0);
  const at::Tensor& src = T(info, 1);
  if (t.sizes() != src.sizes() || t.scalar_type() != src.scalar_type()) throw ArgumentError("setData_: the source must have the same shape and dtype");
  t.set_data(src);
  t.unsafeGetTensorImpl()->bump_version();
  return info.Env().Undefined();
}
LC_OP(narrow) { LC_RET(T(info, 0).narrow(I(info, 1), I(info, 2), I(info, 3))); }
// tensor, dim, start?, end?, step
LC_OP(slice) { LC_RET(at::slice(T(info, 0), I(info, 1), OptI(info, 2), OptI(info, 3), I(info, 4))); }
LC_OP(select) { LC_RET(T(info, 0).select(I(info, 1), I(info, 2))); }
LC_OP(indexSelect) { LC_RET(T(info, 0).index_select(I(info, 1), T(info, 2))); }
LC_OP(gather) { LC_RET(T(info, 0).gather(I(info, 1), T(info, 2))); }
LC_OP(scatter) { LC_RET(T(info, 0).scatter(I(info, 1), T(info, 2), T(info, 3))); }
// Boolean-mask selection: a 1-D tensor of the elements where mask is true.
LC_OP(maskedSelect) { LC_RET(T(info, 0).masked_select(T(info, 1))); }

// tensor, mask, value (number or tensor)
LC_OP(maskedFill) {
  if (info[2].IsExternal()) LC_RET(T(info, 0).masked_fill(T(info, 1), T(info, 2)));
  LC_RET(T(info, 0).masked_fill(T(info, 1), S(info, 2)));
}
LC_OP(maskedFill_) {
  if (info[2].IsExternal()) {
    LC_INPLACE(T(info, 0).masked_fill_(T(info, 1), T(info, 2)));
  }
  LC_INPLACE(T(info, 0).masked_fill_(T(info, 1), S(info, 2)));
}

// condition, a, b: a and b may each be a tensor or a number
LC_OP(where) {
  const at::Tensor& cond = T(info, 0);
  bool aT = info[1].IsExternal(), bT = info[2].IsExternal();
  if (aT && bT) LC_RET(at::where(cond, T(info, 1), T(info, 2)));
  if (aT) LC_RET(at::where(cond, T(info, 1), S(info, 2)));
  if (bT) LC_RET(at::where(cond, S(info, 1), T(info, 2)));
  LC_RET(at::where(cond, S(info, 1), S(info, 2)));
}

LC_OP(cat) { LC_RET(at::cat(TList(info, 0), I(info, 1))); }
LC_OP(stack) { LC_RET(at::stack(TList(info, 0), I(info, 1))); }

// tensor, size or [sizes], dim
LC_OP(split) {
  if (info[1].IsArray()) return WrapList(info.Env(), T(info, 0).split_with_sizes(IList(info, 1), I(info, 2)));
  return WrapList(info.Env(), T(info, 0).split(I(info, 1), I(info, 2)));
}
LC_OP(chunk) { return WrapList(info.Env(), T(info, 0).chunk(I(info, 1), I(info, 2))); }
LC_OP(unbind) { return WrapList(info.Env(), T(info, 0).unbind(I(info, 1))); }

LC_OP(flatten) { LC_RET(T(info, 0).flatten(I(info, 1), I(info, 2))); }
LC_OP(squeeze) {
  if (IsMissing(info, 1)) LC_RET(T(info, 0).squeeze());
  LC_RET(T(info, 0).squeeze(I(info, 1)));
}
LC_OP(unsqueeze) { LC_RET(T(info, 0).unsqueeze(I(info, 1))); }
LC_OP(expand) { LC_RET(T(info, 0).expand(IList(info, 1))); }
LC_OP(repeat) { LC_RET(T(info, 0).repeat(IList(info, 1))); }
LC_OP(flip) { LC_RET(T(info, 0).flip(IList(info, 1))); }
// tensor, [left, right, top, bottom, ...] (last dim first, as torch.nn.functional.pad), value
LC_OP(pad) { LC_RET(at::constant_pad_nd(T(info, 0), IList(info, 1), S(info, 2))); }

LC_OP(clone) { LC_RET(T(info, 0).clone()); }
LC_OP(detach) { LC_RET(T(info, 0).detach()); }
// tensor, dtype code?, device?: a copy only when something changes, like Tensor.to in PyTorch
LC_OP(to) {
  const at::Tensor& t = T(info, 0);
  at::ScalarType dtype = OptDType(info, 1).value_or(t.scalar_type());
  at::Device device = IsMissing(info, 2) ? t.device() : Dev(info, 2);
  LC_RET(t.to(device, dtype));
}
LC_OP(copy_) { LC_INPLACE(T(info, 0).copy_(T(info, 1))); }
LC_OP(zero_) { LC_INPLACE(T(info, 0).zero_()); }
LC_OP(fill_) { LC_INPLACE(T(info, 0).fill_(S(info, 1))); }

void RegisterShapeOps(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, reshape);
  LC_EXPORT(exports, view);
  LC_EXPORT(exports, permute);
  LC_EXPORT(exports, transpose);
  LC_EXPORT(exports, contiguous);
  LC_EXPORT(exports, isContiguousAs);
  LC_EXPORT(exports, setData_);
  LC_EXPORT(exports, narrow);
  LC_EXPORT(exports, slice);
  LC_EXPORT(exports, select);
  LC_EXPORT(exports, indexSelect);
  LC_EXPORT(exports, gather);
  LC_EXPORT(exports, scatter);
  LC_EXPORT(exports, maskedSelect);
  LC_EXPORT(exports, maskedFill);
  LC_EXPORT(exports, maskedFill_);
  LC_EXPORT(exports, where);
  LC_EXPORT(exports, cat);
  LC_EXPORT(exports, stack);
  LC_EXPORT(exports, split);
  LC_EXPORT(exports, chunk);
  LC_EXPORT(exports, unbind);
  LC_EXPORT(exports, flatten);
  LC_EXPORT(exports, squeeze);
  LC_EXPORT(exports, unsqueeze);
  LC_EXPORT(exports, expand);
  LC_EXPORT(exports, repeat);
  LC_EXPORT(exports, flip);
  LC_EXPORT(exports, pad);
  LC_EXPORT(exports, clone);
  LC_EXPORT(exports, detach);
  LC_EXPORT(exports, to);
  LC_EXPORT(exports, copy_);
  LC_EXPORT(exports, zero_);
  LC_EXPORT(exports, fill_);
}

}  // namespace leanconv
