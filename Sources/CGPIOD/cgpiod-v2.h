#ifndef CGPIOD_V2_H
#define CGPIOD_V2_H

/*
 * cgpiod.h over the libgpiod 2.x API (libgpiod.so.3; Debian trixie ships
 * 2.2). A line is requested through a line settings object, a line config
 * holding it for the offset and a request config naming the consumer; the
 * request it returns reads, drives and queues edges. Chip and line facts
 * are snapshots that are copied and freed at once.
 */

#define CGPIOD_API 2

struct cgpiod_request {
    struct gpiod_line_request *request;
    /* Inputs with edge detection: where edges are read into. */
    struct gpiod_edge_event_buffer *events;
    unsigned int offset;
};

static inline const char *cgpiod_library_version(void) {
    return gpiod_api_version();
}

static inline struct gpiod_chip *cgpiod_chip_open(const char *path) {
    return gpiod_chip_open(path);
}

static inline void cgpiod_chip_close(struct gpiod_chip *chip) {
    gpiod_chip_close(chip);
}

static inline int cgpiod_chip_get_facts(struct gpiod_chip *chip, cgpiod_chip_facts *facts) {
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
    if (!info) return -1;
    cgpiod_copy_name(facts->name, gpiod_chip_info_get_name(info));
    cgpiod_copy_name(facts->label, gpiod_chip_info_get_label(info));
    facts->lines = (unsigned int)gpiod_chip_info_get_num_lines(info);
    gpiod_chip_info_free(info);
    return 0;
}

static inline int cgpiod_line_get_facts(struct gpiod_chip *chip, unsigned int offset, cgpiod_line_facts *facts) {
    struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, offset);
    if (!info) return -1;
    cgpiod_copy_name(facts->name, gpiod_line_info_get_name(info));
    cgpiod_copy_name(facts->consumer, gpiod_line_info_get_consumer(info));
    facts->used = gpiod_line_info_is_used(info);
    facts->output = gpiod_line_info_get_direction(info) == GPIOD_LINE_DIRECTION_OUTPUT;
    gpiod_line_info_free(info);
    return 0;
}

/* The line settings object that settings become; NULL + errno. */
static inline struct gpiod_line_settings *cgpiod_v2_settings_of(const cgpiod_line_settings *settings) {
    enum gpiod_line_edge edge;
    enum gpiod_line_bias bias = GPIOD_LINE_BIAS_AS_IS;
    if (settings->output) {
        edge = GPIOD_LINE_EDGE_NONE;
    } else {
        switch (settings->edges) {
        case CGPIOD_EDGES_NONE: edge = GPIOD_LINE_EDGE_NONE; break;
        case CGPIOD_EDGES_RISING: edge = GPIOD_LINE_EDGE_RISING; break;
        case CGPIOD_EDGES_BOTH: edge = GPIOD_LINE_EDGE_BOTH; break;
        default: errno = EINVAL; return NULL;
        }
        switch (settings->bias) {
        case CGPIOD_BIAS_AS_IS: bias = GPIOD_LINE_BIAS_AS_IS; break;
        case CGPIOD_BIAS_DISABLED: bias = GPIOD_LINE_BIAS_DISABLED; break;
        case CGPIOD_BIAS_PULL_UP: bias = GPIOD_LINE_BIAS_PULL_UP; break;
        case CGPIOD_BIAS_PULL_DOWN: bias = GPIOD_LINE_BIAS_PULL_DOWN; break;
        default: errno = EINVAL; return NULL;
        }
    }
    struct gpiod_line_settings *made = gpiod_line_settings_new();
    if (!made) return NULL;
    int failed = gpiod_line_settings_set_direction(
        made, settings->output ? GPIOD_LINE_DIRECTION_OUTPUT : GPIOD_LINE_DIRECTION_INPUT);
    failed = failed || gpiod_line_settings_set_edge_detection(made, edge);
    failed = failed || gpiod_line_settings_set_bias(made, bias);
    failed = failed || gpiod_line_settings_set_drive(made, GPIOD_LINE_DRIVE_PUSH_PULL);
    failed = failed || gpiod_line_settings_set_event_clock(made, GPIOD_LINE_CLOCK_MONOTONIC);
    failed = failed || gpiod_line_settings_set_output_value(
        made, settings->output && settings->output_active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
    if (failed) {
        int saved = errno;
        gpiod_line_settings_free(made);
        errno = saved;
        return NULL;
    }
    gpiod_line_settings_set_active_low(made, settings->active_low);
    gpiod_line_settings_set_debounce_period_us(made, settings->output ? 0 : settings->debounce_us);
    return made;
}

static inline cgpiod_request *cgpiod_request_line(
    struct gpiod_chip *chip, unsigned int offset, const char *consumer, const cgpiod_line_settings *settings) {
    bool edges = !settings->output && settings->edges != CGPIOD_EDGES_NONE;
    struct gpiod_line_settings *line_settings = NULL;
    struct gpiod_line_config *line_config = NULL;
    struct gpiod_request_config *request_config = NULL;
    int failure = 0;
    errno = 0;
    cgpiod_request *request = calloc(1, sizeof *request);
    if (!request
        || !(line_settings = cgpiod_v2_settings_of(settings))
        || !(line_config = gpiod_line_config_new())
        || gpiod_line_config_add_line_settings(line_config, &offset, 1, line_settings) != 0
        || !(request_config = gpiod_request_config_new())
        || (edges && !(request->events = gpiod_edge_event_buffer_new(CGPIOD_EVENT_QUEUE)))) {
        failure = errno ? errno : ENOMEM;
    } else {
        gpiod_request_config_set_consumer(request_config, consumer);
        if (edges) gpiod_request_config_set_event_buffer_size(request_config, CGPIOD_EVENT_QUEUE);
        request->offset = offset;
        request->request = gpiod_chip_request_lines(chip, request_config, line_config);
        if (!request->request) failure = errno ? errno : EIO;
    }
    if (request_config) gpiod_request_config_free(request_config);
    if (line_config) gpiod_line_config_free(line_config);
    if (line_settings) gpiod_line_settings_free(line_settings);
    if (failure == 0) return request;
    if (request && request->events) gpiod_edge_event_buffer_free(request->events);
    free(request);
    errno = failure;
    return NULL;
}

static inline int cgpiod_request_get_fd(cgpiod_request *request) {
    if (!request->events) {
        errno = EPERM;
        return -1;
    }
    return gpiod_line_request_get_fd(request->request);
}

static inline int cgpiod_request_get_value(cgpiod_request *request) {
    enum gpiod_line_value value = gpiod_line_request_get_value(request->request, request->offset);
    return value == GPIOD_LINE_VALUE_ERROR ? -1 : value == GPIOD_LINE_VALUE_ACTIVE;
}

static inline int cgpiod_request_set_value(cgpiod_request *request, bool active) {
    return gpiod_line_request_set_value(
        request->request, request->offset, active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
}

static inline int cgpiod_request_read_edges(cgpiod_request *request, cgpiod_edge *edges, unsigned int capacity) {
    if (!request->events) {
        errno = EPERM;
        return -1;
    }
    size_t room = gpiod_edge_event_buffer_get_capacity(request->events);
    int count = gpiod_line_request_read_edge_events(request->request, request->events, capacity < room ? capacity : room);
    for (int index = 0; index < count; index++) {
        struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(request->events, (unsigned long)index);
        edges[index].timestamp_ns = gpiod_edge_event_get_timestamp_ns(event);
        edges[index].rising = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE;
    }
    return count;
}

static inline void cgpiod_request_release(cgpiod_request *request) {
    gpiod_line_request_release(request->request);
    if (request->events) gpiod_edge_event_buffer_free(request->events);
    free(request);
}

static inline int cgpiod_settings_as_applied(const cgpiod_line_settings *wanted, cgpiod_line_settings *applied) {
    struct gpiod_line_settings *made = cgpiod_v2_settings_of(wanted);
    if (!made) return -1;
    memset(applied, 0, sizeof *applied);
    int result = 0;
    applied->output = gpiod_line_settings_get_direction(made) == GPIOD_LINE_DIRECTION_OUTPUT;
    applied->active_low = gpiod_line_settings_get_active_low(made);
    applied->output_active = gpiod_line_settings_get_output_value(made) == GPIOD_LINE_VALUE_ACTIVE;
    applied->debounce_us = gpiod_line_settings_get_debounce_period_us(made);
    switch (gpiod_line_settings_get_edge_detection(made)) {
    case GPIOD_LINE_EDGE_NONE: applied->edges = CGPIOD_EDGES_NONE; break;
    case GPIOD_LINE_EDGE_RISING: applied->edges = CGPIOD_EDGES_RISING; break;
    case GPIOD_LINE_EDGE_BOTH: applied->edges = CGPIOD_EDGES_BOTH; break;
    default: result = -1; break;
    }
    switch (gpiod_line_settings_get_bias(made)) {
    case GPIOD_LINE_BIAS_AS_IS: applied->bias = CGPIOD_BIAS_AS_IS; break;
    case GPIOD_LINE_BIAS_DISABLED: applied->bias = CGPIOD_BIAS_DISABLED; break;
    case GPIOD_LINE_BIAS_PULL_UP: applied->bias = CGPIOD_BIAS_PULL_UP; break;
    case GPIOD_LINE_BIAS_PULL_DOWN: applied->bias = CGPIOD_BIAS_PULL_DOWN; break;
    default: result = -1; break;
    }
    /* What the neutral settings leave implicit must hold as well. */
    if (gpiod_line_settings_get_event_clock(made) != GPIOD_LINE_CLOCK_MONOTONIC
        || gpiod_line_settings_get_drive(made) != GPIOD_LINE_DRIVE_PUSH_PULL)
        result = -1;
    gpiod_line_settings_free(made);
    if (result != 0) errno = EPROTO;
    return result;
}

#endif
