/* Every core function, including its error paths. */
#include <acla.h>
#include "check.h"

int main(void) {
    CHECK(strcmp(acla_version_string(), "0.1.0") == 0);
    CHECK(acla_version_number() == ACLA_VERSION_MAJOR * 10000 + ACLA_VERSION_MINOR * 100 + ACLA_VERSION_PATCH);
    CHECK(strcmp(acla_status_string(ACLA_OK), "success") == 0);
    CHECK(strcmp(acla_status_string(ACLA_ERR_CANCELLED), "cancelled") == 0);
    CHECK(strcmp(acla_status_string(42), "unknown status code") == 0);
    CHECK(strcmp(acla_status_string(-1), "unknown status code") == 0);

    int32_t before = acla_get_num_threads();
    CHECK(before >= 1);
    CHECK_STATUS(acla_set_num_threads(0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("0");
    CHECK(acla_get_num_threads() == before);
    CHECK_STATUS(acla_set_num_threads(-5), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_set_num_threads(1), ACLA_OK);
    CHECK(strcmp(acla_last_error_message(), "") == 0);
    CHECK(acla_get_num_threads() == 1);
    CHECK_STATUS(acla_set_num_threads(before), ACLA_OK);
    CHECK_DONE("test_core");
}
