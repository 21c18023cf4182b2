package dev.mcpoauth.server.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseEndpointAnnouncementTests {

	@Test
	void answersTheSessionOnlyWithTheWriteThatCompletesTheFirstEvent() {
		SseEndpointAnnouncement announcement = new SseEndpointAnnouncement();
		assertThat(announcement.accept("event: endpoint\r\ndata: /mcp/message?session")).isNull();
		assertThat(announcement.accept("Id=a%2Db&x=1\r\n")).as("the client cannot dispatch the event yet").isNull();
		assertThat(announcement.accept("\r\n")).isEqualTo("a-b");
		assertThat(announcement.accept("event:endpoint\ndata:/m?sessionId=later\n\n")).as("after the first event")
			.isNull();
	}

	@Test
	void readsOnlyAnEndpointEventThatNamesOneSession() {
		assertThat(new SseEndpointAnnouncement().accept("data:/m?sessionId=s\n\n")).as("a message event").isNull();
		assertThat(new SseEndpointAnnouncement().accept("event:endpoint\ndata:/m?sessionId=a&sessionId=b\n\n"))
			.isNull();
		assertThat(new SseEndpointAnnouncement().accept("event:endpoint\ndata:/m\n\n")).isNull();
		assertThat(new SseEndpointAnnouncement().accept("data:/m?sessionId=s\nevent:endpoint\n\n")).isEqualTo("s");
	}

	@Test
	void stopsReadingAfterTheLimit() {
		SseEndpointAnnouncement announcement = new SseEndpointAnnouncement();
		assertThat(announcement.accept("event:endpoint\ndata:/m?sessionId=s" + "x".repeat(5000))).isNull();
		assertThat(announcement.accept("\n\n")).isNull();
	}

}
