#ifndef CGPIOD_V1_H
#define CGPIOD_V1_H

/*
 * cgpiod.h over the libgpiod 1.x API (1.5 and later: bias flags; Debian
 * bookworm ships 1.6). A line belongs to its chip object; a request holds
 * it until released. Edge timestamps are the kernel's CLOCK_MONOTONIC
 * stamps (kernels from 5.7 on); the kernel queues 16 edges per line.
 */

#include <time.h>

#define CGPIOD_API 1

struct cgpiod_request {
    struct gpiod_line *line;
    int events_fd;
};

/* The request type, flags and default value that settings become. */
typedef struct cgpiod_v1_form {
    int request_type;
    int flags;
    int default_value;
} cgpiod_v1_form;

static inline const char *cgpiod_library_version(void) {
    return gpiod_version_string();
}

static inline struct gpiod_chip *cgpiod_chip_open(const char *path) {
    return gpiod_chip_open(path);
}

static inline void cgpiod_chip_close(struct gpiod_chip *chip) {
    gpiod_chip_close(chip);
}

static inline int cgpiod_chip_get_facts(struct gpiod_chip *chip, cgpiod_chip_facts *facts) {
    cgpiod_copy_name(facts->name, gpiod_chip_name(chip));
    cgpiod_copy_name(facts->label, gpiod_chip_label(chip));
    facts->lines = gpiod_chip_num_lines(chip);
    return 0;
}

static inline int cgpiod_line_get_facts(struct gpiod_chip *chip, unsigned int offset, cgpiod_line_facts *facts) {
    /* Reads the kernel's current line info into the chip's line object. */
    struct gpiod_line *line = gpiod_chip_get_line(chip, offset);
    if (!line) return -1;
    cgpiod_copy_name(facts->name, gpiod_line_name(line));
    cgpiod_copy_name(facts->consumer, gpiod_line_consumer(line));
    facts->used = gpiod_line_is_used(line);
    facts->output = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    return 0;
}

static inline int cgpiod_v1_form_of(const cgpiod_line_settings *settings, cgpiod_v1_form *form) {
    /* 1.x has no debounce filter: refuse rather than ignore one. */
    if (settings->debounce_us != 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    form->flags = settings->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    form->default_value = 0;
    if (settings->output) {
        form->request_type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
        form->default_value = settings->output_active ? 1 : 0;
        return 0;
    }
    switch (settings->edges) {
    case CGPIOD_EDGES_NONE: form->request_type = GPIOD_LINE_REQUEST_DIRECTION_INPUT; break;
    case CGPIOD_EDGES_RISING: form->request_type = GPIOD_LINE_REQUEST_EVENT_RISING_EDGE; break;
    case CGPIOD_EDGES_BOTH: form->request_type = GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES; break;
    default: errno = EINVAL; return -1;
    }
    switch (settings->bias) {
    case CGPIOD_BIAS_AS_IS: break;
    case CGPIOD_BIAS_DISABLED: form->flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case CGPIOD_BIAS_PULL_UP: form->flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case CGPIOD_BIAS_PULL_DOWN: form->flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    default: errno = EINVAL; return -1;
    }
    return 0;
}

static inline cgpiod_request *cgpiod_request_line(
    struct gpiod_chip *chip, unsigned int offset, const char *consumer, const cgpiod_line_settings *settings) {
    cgpiod_v1_form form;
    if (cgpiod_v1_form_of(settings, &form) != 0) return NULL;
    struct gpiod_line *line = gpiod_chip_get_line(chip, offset);
    if (!line) return NULL;
    cgpiod_request *request = calloc(1, sizeof *request);
    if (!request) return NULL;
    struct gpiod_line_request_config config = {
        .consumer = consumer, .request_type = form.request_type, .flags = form.flags};
    if (gpiod_line_request(line, &config, form.default_value) != 0) {
        int saved = errno;
        free(request);
        errno = saved;
        return NULL;
    }
    request->line = line;
    request->events_fd = settings->output || settings->edges == CGPIOD_EDGES_NONE ? -1 : gpiod_line_event_get_fd(line);
    return request;
}

static inline int cgpiod_request_get_fd(cgpiod_request *request) {
    if (request->events_fd < 0) errno = EPERM;
    return request->events_fd;
}

static inline int cgpiod_request_get_value(cgpiod_request *request) {
    return gpiod_line_get_value(request->line);
}

static inline int cgpiod_request_set_value(cgpiod_request *request, bool active) {
    return gpiod_line_set_value(request->line, active ? 1 : 0);
}

static inline int cgpiod_request_read_edges(cgpiod_request *request, cgpiod_edge *edges, unsigned int capacity) {
    if (request->events_fd < 0) {
        errno = EPERM;
        return -1;
    }
    struct gpiod_line_event events[16];
    if (capacity > 16) capacity = 16;
    int count = gpiod_line_event_read_fd_multiple(request->events_fd, events, capacity);
    for (int index = 0; index < count; index++) {
        edges[index].timestamp_ns =
            (uint64_t)events[index].ts.tv_sec * 1000000000u + (uint64_t)events[index].ts.tv_nsec;
        edges[index].rising = events[index].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    }
    return count;
}

static inline void cgpiod_request_release(cgpiod_request *request) {
    gpiod_line_release(request->line);
    free(request);
}

static inline int cgpiod_settings_as_applied(const cgpiod_line_settings *wanted, cgpiod_line_settings *applied) {
    cgpiod_v1_form form;
    if (cgpiod_v1_form_of(wanted, &form) != 0) return -1;
    memset(applied, 0, sizeof *applied);
    applied->output = form.request_type == GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
    applied->active_low = (form.flags & GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) != 0;
    applied->output_active = form.default_value != 0;
    switch (form.request_type) {
    case GPIOD_LINE_REQUEST_EVENT_RISING_EDGE: applied->edges = CGPIOD_EDGES_RISING; break;
    case GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES: applied->edges = CGPIOD_EDGES_BOTH; break;
    default: applied->edges = CGPIOD_EDGES_NONE; break;
    }
    if (form.flags & GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE) applied->bias = CGPIOD_BIAS_DISABLED;
    else if (form.flags & GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP) applied->bias = CGPIOD_BIAS_PULL_UP;
    else if (form.flags & GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN) applied->bias = CGPIOD_BIAS_PULL_DOWN;
    else applied->bias = CGPIOD_BIAS_AS_IS;
    applied->debounce_us = 0;
    return 0;
}

#endif
