/* `labctl predict TOPOLOGY --fault loss:P [--duration DUR]`: the partial-loss Monte
 * Carlo (timers/loss_model.h) for one tunnel, as text or JSON. */
#ifndef LAB_CLI_PREDICT_LOSS_H
#define LAB_CLI_PREDICT_LOSS_H

#include <stdbool.h>
#include <stdint.h>

struct predict_loss_opts {
	const char *topology, *tunnel, *fault; /* fault: "loss:P" */
	double time_scale, duration_s;
	uint64_t samples, seed; /* samples 0: TIMERS_LOSS_SAMPLES */
	bool json;
};

/* Returns the exit code: 0, or LAB_EXIT_USAGE / LAB_EXIT_FAIL with lab_err set. */
int predict_loss(const struct predict_loss_opts *o);

#endif
