// Stands in for the CUDA device when the addon was built without nvcc: the `cuda` backend then reports why.
#include "../device.h"

namespace pivot {

const Device* cuda_device(std::string* reason) {
  if (reason != nullptr) {
    *reason = "this build of the addon has no CUDA device (nvcc was not found when it was built, or PIVOT_CUDA=OFF "
              "was set; install the CUDA toolkit and run `npm run build:native`)";
  }
  return nullptr;
}
std::string cuda_description() { return ""; }
void cuda_set_tf32(bool) {}
bool cuda_tf32() { return false; }

}  // namespace pivot
