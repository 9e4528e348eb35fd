#include "labctl_plugin.h"

#include <daemon.h>

#include "labctl_listener.h"
#include "lc_queue.h"

typedef struct {
	labctl_plugin_t public;
	struct lc_queue *q;
	labctl_listener_t *listener;
} private_labctl_plugin_t;

METHOD(plugin_t, get_name, char *, private_labctl_plugin_t *this)
{
	return "labctl";
}

/* Registered as a feature callback so the listener joins the bus only once charon
 * is set up, and leaves it before the queue is torn down. */
static bool plugin_cb(private_labctl_plugin_t *this, plugin_feature_t *feature, bool reg,
                      void *cb_data)
{
	if (reg)
		charon->bus->add_listener(charon->bus, &this->listener->listener);
	else
		charon->bus->remove_listener(charon->bus, &this->listener->listener);
	return TRUE;
}

METHOD(plugin_t, get_features, int, private_labctl_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
	    PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
	    PLUGIN_PROVIDE(CUSTOM, "labctl"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void, private_labctl_plugin_t *this)
{
	this->listener->destroy(this->listener);
	uint64_t dropped = lc_queue_dropped(this->q);
	if (dropped)
		DBG1(DBG_CFG, "labctl: %llu events dropped (journal writer fell behind)",
		     (unsigned long long)dropped);
	lc_queue_destroy(this->q); /* drains: the last events (shutdown) are kept */
	free(this);
}

plugin_t *labctl_plugin_create(void)
{
	private_labctl_plugin_t *this;
	char *journal =
	    lib->settings->get_str(lib->settings, "%s.plugins.labctl.journal", NULL, lib->ns);
	char *speaker =
	    lib->settings->get_str(lib->settings, "%s.plugins.labctl.bgpd_socket", NULL, lib->ns);
	struct lc_queue *q = lc_queue_create(journal, speaker);
	if (!q) {
		DBG1(DBG_CFG, "labctl: cannot start the journal writer thread");
		return NULL;
	}
	INIT(this,
	     .public =
	         {
	             .plugin =
	                 {
	                     .get_name = _get_name,
	                     .get_features = _get_features,
	                     .destroy = _destroy,
	                 },
	         },
	     .q = q, );
	this->listener = labctl_listener_create(q);
	return &this->public.plugin;
}
