/**
 * @file eventc.h
 * @brief Umbrella header of libeventc, the runtime generated code links against.
 *
 * Include this one header; it pulls in every public runtime header. Usable from C99 and C++.
 */
#ifndef EVENTC_EVENTC_H
#define EVENTC_EVENTC_H

#include "eventc/common.h"
#include "eventc/arena.h"
#include "eventc/buf.h"
#include "eventc/utf8.h"
#include "eventc/time.h"
#include "eventc/id.h"
#include "eventc/stamp.h"
#include "eventc/regex.h"
#include "eventc/codec.h"
#include "eventc/cloudevents.h"

#endif
