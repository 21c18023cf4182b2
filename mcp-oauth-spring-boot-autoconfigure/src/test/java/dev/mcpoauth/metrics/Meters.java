package dev.mcpoauth.metrics;

import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Micrometer setup for tests: observations turned into meters by Micrometer's
 * {@link DefaultMeterObservationHandler}, as Spring Boot Actuator does, in a {@link SimpleMeterRegistry}.
 */
final class Meters {

	final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	final ObservationRegistry observations = ObservationRegistry.create();

	Meters() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.registry));
	}

	/**
	 * @param name a timer's name
	 * @param tags tag keys and values, in pairs
	 * @return how often the timers of that name with those tags recorded
	 */
	long count(String name, String... tags) {
		return this.registry.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
	}

	/**
	 * Assert that no tag of any meter holds any of the values, whole or in part, nor a tag value that is long or
	 * looks like a JWT.
	 * @param secrets the tokens, secrets and user identifiers the test used
	 */
	void assertNoTagHolds(String... secrets) {
		List<Meter> meters = this.registry.getMeters();
		assertThat(meters).isNotEmpty();
		for (Meter meter : meters) {
			for (Tag tag : meter.getId().getTags()) {
				for (String secret : secrets) {
					assertThat(tag.getValue()).as(meter.getId() + " tag " + tag.getKey()).doesNotContain(secret);
				}
				assertThat(tag.getValue()).as(meter.getId() + " tag " + tag.getKey()).hasSizeLessThan(80)
					.doesNotContain("eyJ");
			}
		}
	}

}
