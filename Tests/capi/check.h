/* Tiny assertion helpers shared by the C test programs. */
#ifndef ACLA_TEST_CHECK_H
#define ACLA_TEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); check_failures++; } } while (0)
#define CHECK_STATUS(call, expected) do { acla_status s_ = (call); if (s_ != (expected)) { \
    fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d\n", __FILE__, __LINE__, #call, s_, acla_last_error_message(), expected); \
    check_failures++; } } while (0)
#define CHECK_MESSAGE_HAS(text) do { if (!strstr(acla_last_error_message(), (text))) { \
    fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__, acla_last_error_message(), (text)); check_failures++; } } while (0)
#define CHECK_DONE(name) do { if (check_failures) { fprintf(stderr, "%s: %d failures\n", name, check_failures); return 1; } \
    printf("%s: ok\n", name); return 0; } while (0)
#endif
