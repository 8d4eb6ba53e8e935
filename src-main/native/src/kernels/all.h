// Every kernel template, for the device translation units to instantiate.
#pragma once
#include "elementwise.h"
#include "layout.h"
#include "reduce.h"
