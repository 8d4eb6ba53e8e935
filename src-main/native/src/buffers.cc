// See buffers.h.
#include "buffers.h"
#include <stdexcept>
#include <vector>

namespace pivot {
namespace {

std::vector<Buffer> slots(1);  // handle 0 is never used, so a missing handle (0 / undefined) is caught
std::vector<size_t> free_slots;
DeviceUsage usage[2];

}  // namespace

const Device& device_for(int id) {
  if (id == kCpu) return cpu_device();
  if (id == kCuda) {
    std::string reason;
    const Device* cuda = cuda_device(&reason);
    if (cuda == nullptr) throw std::runtime_error("the CUDA device is not usable: " + reason);
    return *cuda;
  }
  throw std::invalid_argument("unknown device " + std::to_string(id));
}

double buffer_alloc(int device, size_t bytes) {
  const Device& d = device_for(device);
  // Linux grants large allocations it cannot back and kills the process later: refuse up front what is more
  // than the device says is free (checked for large buffers only, where a mistake is likely and costly).
  if (bytes >= (size_t(64) << 20) && bytes > d.memory().free_bytes) {
    throw OutOfMemory{device, bytes, d.memory().free_bytes, usage[device].in_use};
  }
  void* data = bytes == 0 ? nullptr : d.alloc(bytes);
  if (bytes != 0 && data == nullptr) {
    throw OutOfMemory{device, bytes, d.memory().free_bytes, usage[device].in_use};
  }
  size_t index;
  if (!free_slots.empty()) {
    index = free_slots.back();
    free_slots.pop_back();
  } else {
    index = slots.size();
    slots.emplace_back();
  }
  slots[index] = Buffer{data, bytes, device};
  DeviceUsage& u = usage[device];
  u.in_use += bytes;
  u.buffers += 1;
  if (u.in_use > u.peak) u.peak = u.in_use;
  return static_cast<double>(index);
}

const Buffer& buffer_get(double handle) {
  const size_t index = static_cast<size_t>(handle);
  if (handle < 1 || static_cast<double>(index) != handle || index >= slots.size() || slots[index].device < 0) {
    throw std::invalid_argument("no live native buffer with handle " + std::to_string(handle));
  }
  return slots[index];
}

void buffer_free(double handle) {
  const Buffer buffer = buffer_get(handle);
  if (buffer.data != nullptr) device_for(buffer.device).release(buffer.data);
  DeviceUsage& u = usage[buffer.device];
  u.in_use -= buffer.bytes;
  u.buffers -= 1;
  const size_t index = static_cast<size_t>(handle);
  slots[index] = Buffer{};
  free_slots.push_back(index);
}

DeviceUsage device_usage(int device) { return usage[device == kCuda ? kCuda : kCpu]; }
void reset_peak(int device) { usage[device].peak = usage[device].in_use; }

}  // namespace pivot
