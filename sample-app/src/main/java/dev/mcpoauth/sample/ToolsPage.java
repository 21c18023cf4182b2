package dev.mcpoauth.sample;

import java.time.Duration;

import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /tools}: the tools of the sample's own MCP endpoint, listed for the signed-in user with the MCP Java SDK
 * client and a token of that user's ({@code mcp.oauth.client.registrations.sample-mcp}, the authorization code flow).
 * The first time, the call needs the user's authorization: the starter sends the browser to the authorization
 * server (login, consent), back to the callback, then here again. A client is made per request, so that no MCP
 * session is shared between users. Everything on the page that came from the network is HTML-escaped.
 */
@RestController
@Profile("!external-idp")
class ToolsPage {

	static final String REGISTRATION = "sample-mcp";

	private final McpOAuthClients clients;

	ToolsPage(McpOAuthClients clients) {
		this.clients = clients;
	}

	@GetMapping(path = "/tools", produces = MediaType.TEXT_HTML_VALUE)
	String tools(Authentication user) {
		McpAuthorization authorization = this.clients.authorization(REGISTRATION);
		McpSdkTransportAuthorization sdk = new McpSdkTransportAuthorization(authorization, this.clients.maxStepUps());
		String serverUrl = authorization.serverUrl().toString();
		String base = serverUrl.substring(0, serverUrl.length() - authorization.serverUrl().getRawPath().length());
		HttpClientStreamableHttpTransport transport = sdk
			.applyTo(HttpClientStreamableHttpTransport.builder(base).endpoint(authorization.serverUrl().getRawPath()))
			.build();
		StringBuilder page = new StringBuilder("<!DOCTYPE html><html><head><title>MCP tools</title></head><body>")
			.append("<h1>Tools of ")
			.append(HtmlUtils.htmlEscape(serverUrl))
			.append("</h1><p>Signed in as <span id=\"user\">")
			.append(HtmlUtils.htmlEscape(user.getName()))
			.append("</span></p><ul id=\"tools\">");
		McpSyncClient client = sdk.applyTo(McpClient.sync(transport)).requestTimeout(Duration.ofSeconds(20)).build();
		try {
			client.initialize();
			for (Tool tool : client.listTools().tools()) {
				page.append("<li class=\"tool\"><b class=\"tool-name\">")
					.append(HtmlUtils.htmlEscape(tool.name()))
					.append("</b>: ")
					.append(HtmlUtils.htmlEscape((tool.description() != null) ? tool.description() : ""))
					.append("</li>");
			}
		}
		finally {
			client.close();
		}
		return page.append("</ul></body></html>").toString();
	}

}
