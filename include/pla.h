#pragma once
/* pla: distributed-memory dense linear algebra over block-cyclic matrices. */
#include "pla/config.h"
#include "pla/err.h"
#include "pla/ctx.h"
#include "pla/mat.h"
#include "pla/ops.h"
#include "pla/io.h"
#include "pla/version.h"
#include "pla/qr.h"
#include "pla/lstsq.h"
#include "pla/eig.h"
#include "pla/svd.h"
#include "pla/pca.h"
