package io.parley.discovery.chatnode;

import java.util.List;

/** Where the chat-service instances come from; an interface so the selection logic can be tested without Eureka. */
interface ChatInstanceSource {

    /** The instances whose registry status is UP right now (OUT_OF_SERVICE, DOWN, STARTING are left out). */
    List<ChatInstance> upInstances();
}
