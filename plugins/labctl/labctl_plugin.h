/* labctl's libcharon plugin: timestamps tunnel events into the node journal and tells
 * the node's BGP speaker when a tunnel goes down or up.
 *
 * Debian's charon cannot load plugins from outside /usr/lib/ipsec/plugins, but its
 * loader tries dlsym(RTLD_DEFAULT, "labctl_plugin_create") first, so labctl starts
 * charon with LD_PRELOAD=libstrongswan-labctl.so and charon.plugins.labctl.load = yes
 * (docs/reference.md#loading-the-plugin). Settings:
 *   charon.plugins.labctl.journal      path of the node's events.jsonl
 *   charon.plugins.labctl.bgpd_socket  path of the node speaker's control socket */
#ifndef LABCTL_PLUGIN_H
#define LABCTL_PLUGIN_H

#include <plugins/plugin.h>

typedef struct labctl_plugin_t labctl_plugin_t;

struct labctl_plugin_t {
	plugin_t plugin;
};

plugin_t *labctl_plugin_create(void);

#endif
