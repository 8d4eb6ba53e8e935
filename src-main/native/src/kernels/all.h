// Every kernel template, for the device translation units to instantiate.
#pragma once
#include "adamw.h"
#include "attention.h"
#include "elementwise.h"
#include "layout.h"
#include "logsoftmax_gather.h"
#include "norms.h"
#include "reduce.h"
