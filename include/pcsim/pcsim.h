/* pcsim.h - the public API of libpcsim, the page-cache simulator engine. */
#ifndef PCSIM_PCSIM_H
#define PCSIM_PCSIM_H

#include <pcsim/event.h>
#include <pcsim/files.h>
#include <pcsim/config.h>
#include <pcsim/stats.h>
#include <pcsim/cache.h>
#include <pcsim/trace.h>
#include <pcsim/replay.h>
#include <pcsim/report.h>
#include <pcsim/gen.h>
#include <pcsim/sweep.h>
#include <pcsim/timeline.h>
#include <pcsim/table.h>
#include <pcsim/mrc.h>
#include <pcsim/plot.h>
#include <pcsim/device.h>

#endif
