/* Every core function, including its error paths. */
#include <acla.h>
#include <stdio.h>
#include <threads.h>
#include "check.h"

/* The message is thread-local: another thread's failure must not replace ours. */
static char other_message[256];
static int other_thread(void *arg) {
    (void)arg;
    int before_empty = acla_last_error_message()[0] == 0;
    acla_status s = acla_set_num_threads(-9);
    snprintf(other_message, sizeof other_message, "%s", acla_last_error_message());
    return before_empty && s == ACLA_ERR_INVALID_ARGUMENT ? 0 : 1;
}

int main(void) {
    char expected_version[32];
    snprintf(expected_version, sizeof expected_version, "%d.%d.%d", ACLA_VERSION_MAJOR, ACLA_VERSION_MINOR, ACLA_VERSION_PATCH);
    CHECK(strcmp(acla_version_string(), expected_version) == 0);
    CHECK(strcmp(acla_version_string(), "0.1.0") == 0);
    CHECK(acla_version_number() == ACLA_VERSION_MAJOR * 10000 + ACLA_VERSION_MINOR * 100 + ACLA_VERSION_PATCH);
    CHECK(strcmp(acla_status_string(ACLA_OK), "success") == 0);
    CHECK(strcmp(acla_status_string(ACLA_ERR_CANCELLED), "cancelled") == 0);
    CHECK(strcmp(acla_status_string(42), "unknown status code") == 0);
    CHECK(strcmp(acla_status_string(-1), "unknown status code") == 0);
    for (acla_status a = ACLA_OK; a <= ACLA_ERR_INTERNAL; a++) {
        CHECK(acla_status_string(a)[0] != 0);
        CHECK(strcmp(acla_status_string(a), "unknown status code") != 0);
        for (acla_status b = ACLA_OK; b < a; b++) CHECK(strcmp(acla_status_string(a), acla_status_string(b)) != 0);
    }

    int32_t before = acla_get_num_threads();
    CHECK(before >= 1);
    CHECK_STATUS(acla_set_num_threads(0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("0");
    CHECK(acla_get_num_threads() == before);
    CHECK_STATUS(acla_set_num_threads(-5), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("-5");
    CHECK_STATUS(acla_set_num_threads(INT32_MIN), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(acla_get_num_threads() == before);

    CHECK_STATUS(acla_set_num_threads(-7), ACLA_ERR_INVALID_ARGUMENT);
    thrd_t t;
    int rc = 1;
    CHECK(thrd_create(&t, other_thread, NULL) == thrd_success);
    CHECK(thrd_join(t, &rc) == thrd_success);
    CHECK(rc == 0);
    CHECK(strstr(other_message, "-9") != NULL);
    CHECK_MESSAGE_HAS("-7");

    CHECK_STATUS(acla_set_num_threads(1), ACLA_OK);
    CHECK(strcmp(acla_last_error_message(), "") == 0);
    CHECK(acla_get_num_threads() == 1);
    CHECK_STATUS(acla_set_num_threads(before), ACLA_OK);
    CHECK(acla_get_num_threads() == before);
    CHECK_DONE("test_core");
}
