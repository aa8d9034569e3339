#ifndef CModbus_SHIM_H
#define CModbus_SHIM_H
#include <modbus.h>

/* The error numbers libmodbus reports through errno, as plain constants
   (the header builds them from a macro Swift does not import). */
static inline int cmodbus_error_bad_crc(void) { return EMBBADCRC; }
static inline int cmodbus_error_bad_slave(void) { return EMBBADSLAVE; }
static inline int cmodbus_error_bad_data(void) { return EMBBADDATA; }
static inline int cmodbus_error_exception_base(void) { return MODBUS_ENOBASE; }
#endif
