// Fixture for the layering check's own test: a layer above engine/ that includes
// an interp/ header. Never compiled.
#pragma once

#include "interp/instance.h"
