#ifndef CGPIOD_NEUTRAL_H
#define CGPIOD_NEUTRAL_H

/*
 * The version-neutral interface between the Board module and libgpiod.
 * cgpiod-v1.h and cgpiod-v2.h each carry it out over their own API; they
 * translate, they decide nothing: what a line is asked to be comes from
 * Swift (LineSettings), the same for either library.
 *
 * Each implementation also defines CGPIOD_API (1 or 2), the libgpiod API
 * generation it speaks.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's limit for chip and line names, terminator included. */
#define CGPIOD_NAME_SIZE 32

/* Edge events the kernel keeps for an input line while nobody reads
 * them. 1.x cannot change the kernel's 16; 2.x asks for this many. */
#define CGPIOD_EVENT_QUEUE 64

typedef struct cgpiod_chip_facts {
    char name[CGPIOD_NAME_SIZE];  /* gpiochip4 */
    char label[CGPIOD_NAME_SIZE]; /* pinctrl-rp1 */
    unsigned int lines;
} cgpiod_chip_facts;

/* What the kernel says about a line without requesting it. An empty name
 * or consumer means the line has none. */
typedef struct cgpiod_line_facts {
    char name[CGPIOD_NAME_SIZE];
    char consumer[CGPIOD_NAME_SIZE];
    bool used;
    bool output;
} cgpiod_line_facts;

typedef enum cgpiod_edges {
    CGPIOD_EDGES_NONE = 0,
    CGPIOD_EDGES_RISING = 1,
    CGPIOD_EDGES_BOTH = 2,
} cgpiod_edges;

typedef enum cgpiod_bias {
    CGPIOD_BIAS_AS_IS = 0,
    CGPIOD_BIAS_DISABLED = 1,
    CGPIOD_BIAS_PULL_UP = 2,
    CGPIOD_BIAS_PULL_DOWN = 3,
} cgpiod_bias;

/* How one line is requested. Levels are logical: with active_low, "active"
 * is the low wire. Edge timestamps are always CLOCK_MONOTONIC. */
typedef struct cgpiod_line_settings {
    bool output;
    bool active_low;
    /* Outputs: the level driven from the moment of the request. */
    bool output_active;
    /* Inputs: which edges are queued with their kernel timestamps. */
    cgpiod_edges edges;
    /* Inputs: the SoC's pull resistor. */
    cgpiod_bias bias;
    /* Inputs: the kernel's debounce filter, 0 for none (1.x has none). */
    unsigned long debounce_us;
} cgpiod_line_settings;

/* One edge of an input line: the logical level after it and the kernel's
 * CLOCK_MONOTONIC stamp taken when it happened. */
typedef struct cgpiod_edge {
    uint64_t timestamp_ns;
    bool rising;
} cgpiod_edge;

/* A line held by this process; defined by each implementation. */
typedef struct cgpiod_request cgpiod_request;

/* Copies at most CGPIOD_NAME_SIZE - 1 bytes of text (NULL: nothing) and
 * terminates the copy. */
static inline void cgpiod_copy_name(char *to, const char *text) {
    size_t length = text ? strnlen(text, CGPIOD_NAME_SIZE - 1) : 0;
    if (length > 0) memcpy(to, text, length);
    to[length] = '\0';
}

/*
 * Each implementation provides:
 *
 *   const char *cgpiod_library_version(void);
 *   struct gpiod_chip *cgpiod_chip_open(const char *path);  NULL + errno
 *   void cgpiod_chip_close(struct gpiod_chip *chip);
 *   int cgpiod_chip_get_facts(struct gpiod_chip *, cgpiod_chip_facts *);
 *   int cgpiod_line_get_facts(struct gpiod_chip *, unsigned int offset,
 *                             cgpiod_line_facts *);       0, or -1 + errno
 *   cgpiod_request *cgpiod_request_line(struct gpiod_chip *, unsigned int offset,
 *                             const char *consumer, const cgpiod_line_settings *);
 *                                                          NULL + errno
 *   int cgpiod_request_get_fd(cgpiod_request *);          readable when edges wait
 *   int cgpiod_request_get_value(cgpiod_request *);       1, 0, or -1 + errno
 *   int cgpiod_request_set_value(cgpiod_request *, bool active);  0, or -1 + errno
 *   int cgpiod_request_read_edges(cgpiod_request *, cgpiod_edge *, unsigned int capacity);
 *                             edges read (blocks while none wait), or -1 + errno
 *   void cgpiod_request_release(cgpiod_request *);        gives the line back, frees
 *   int cgpiod_settings_as_applied(const cgpiod_line_settings *wanted,
 *                             cgpiod_line_settings *applied);
 *       puts wanted into the library's own form, exactly as a request
 *       would, and reads that form back: the translation, testable
 *       without a GPIO chip. 0, or -1 + errno when the library refuses.
 */

#endif
