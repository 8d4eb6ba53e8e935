// Buffers: device memory behind a small integer handle, which is what JavaScript holds for a tensor's data.
// Freed when tfjs disposes the data (never left to the garbage collector); counted per device so that the
// backend can report bytes in use and the peak, and an allocation that fails names the sizes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include "device.h"

namespace pivot {

enum DeviceId : int { kCpu = 0, kCuda = 1 };

struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
  int device = -1;  // -1: a free slot
};

struct DeviceUsage {
  size_t in_use = 0, peak = 0, buffers = 0;
};

/** The device for `id`; throws std::runtime_error when it is not usable here. */
const Device& device_for(int id);

/** Thrown when a device has no room; the N-API layer turns it into an OUT_OF_MEMORY error with these sizes. */
struct OutOfMemory {
  int device;
  size_t requested, free_bytes, in_use;
};

double buffer_alloc(int device, size_t bytes);
void buffer_free(double handle);
/** The live buffer behind `handle`; throws std::invalid_argument for a freed or unknown handle. */
const Buffer& buffer_get(double handle);
DeviceUsage device_usage(int device);
void reset_peak(int device);

}  // namespace pivot
