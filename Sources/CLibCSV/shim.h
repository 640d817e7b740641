#ifndef FLOWBATCH_CLIBCSV_SHIM_H
#define FLOWBATCH_CLIBCSV_SHIM_H
#include <csv.h>
#endif
