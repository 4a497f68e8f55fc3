package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.providers.oauth1.OAuth1Catalog;
import dev.tether.providers.oauth2.OAuth2Catalog;
import dev.tether.spi.Categories;
import dev.tether.spi.ToolkitDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * {@link ToolkitSearch} over every bundled toolkit: a table of realistic use cases and the toolkits
 * an agent should be offered first (toolkit-search-cases.csv), plus the rules the ranking keeps.
 */
class ToolkitSearchTest {
  private static final List<ToolkitDescriptor> BUNDLED = bundled();

  private static List<ToolkitDescriptor> bundled() {
    List<ToolkitDescriptor> all = new ArrayList<>(new OAuth2Catalog().toolkits());
    all.addAll(new ApiKeyCatalog().toolkits());
    all.addAll(new OAuth1Catalog().toolkits());
    return List.copyOf(all);
  }

  private static List<String> slugs(List<ToolkitSearch.Match> matches) {
    return matches.stream().map(m -> m.toolkit().slug()).toList();
  }

  @ParameterizedTest(name = "\"{0}\" → {1} in the first {2}")
  @CsvFileSource(resources = "/dev/tether/core/toolkit-search-cases.csv")
  void search_realisticUseCase_ranksTheExpectedToolkitsFirst(String useCase, String expected, int within) {
    List<ToolkitSearch.Match> matches = ToolkitSearch.search(BUNDLED, useCase, within);
    List<String> first = slugs(matches);
    String shown = matches.stream().map(m -> m.toolkit().slug() + "=" + m.score()).toList().toString();
    for (String wanted : expected.split(" ")) {
      List<String> anyOf = List.of(wanted.split("\\|"));
      assertThat(first).as("'%s' should rank one of %s in the first %s, got %s", useCase, anyOf, within, shown)
          .containsAnyElementsOf(anyOf);
    }
  }

  @Test
  void search_sameUseCase_sameOrder_whateverTheOrderOfTheToolkits() {
    List<ToolkitDescriptor> shuffled = new ArrayList<>(BUNDLED);
    Collections.shuffle(shuffled, new Random(42));
    for (String useCase : List.of("open an issue", "send an email", "share a file with an external partner",
        "search the web")) {
      List<ToolkitSearch.Match> once = ToolkitSearch.search(BUNDLED, useCase, BUNDLED.size());
      assertThat(ToolkitSearch.search(BUNDLED, useCase, BUNDLED.size())).as(useCase).isEqualTo(once);
      assertThat(ToolkitSearch.search(shuffled, useCase, BUNDLED.size())).as(useCase).isEqualTo(once);
      // Ties go to the smaller slug, so equal scores never depend on registration order.
      for (int i = 1; i < once.size(); i++) {
        ToolkitSearch.Match before = once.get(i - 1);
        ToolkitSearch.Match after = once.get(i);
        assertThat(before.score() > after.score()
            || before.score() == after.score() && before.toolkit().slug().compareTo(after.toolkit().slug()) < 0)
            .as("%s: %s before %s", useCase, before, after).isTrue();
      }
    }
  }

  @Test
  void search_useCaseMatchingNothing_returnsNothing() {
    assertThat(ToolkitSearch.search(BUNDLED, "feed the cat at noon", 5)).isEmpty();
    assertThat(ToolkitSearch.search(BUNDLED, "xyzzy plugh", 5)).isEmpty();
    assertThat(ToolkitSearch.search(BUNDLED, "please can you help me with this", 5)).isEmpty();
    assertThat(ToolkitSearch.search(BUNDLED, "   ", 5)).isEmpty();
  }

  @Test
  void search_limit_capsTheList_bestKept() {
    List<ToolkitSearch.Match> all = ToolkitSearch.search(BUNDLED, "send an email", BUNDLED.size());
    assertThat(ToolkitSearch.search(BUNDLED, "send an email", 2)).isEqualTo(all.subList(0, 2));
  }

  @Test
  void bundled_everyToolkitIsDescribed_withWordsOfTheVocabulary() {
    assertThat(BUNDLED).extracting(ToolkitDescriptor::slug).doesNotHaveDuplicates()
        .contains("gmail", "outlook", "github", "gitlab", "jira", "exa", "tavily", "serpapi", "trello");
    for (ToolkitDescriptor d : BUNDLED) {
      assertThat(d.description()).as(d.slug()).isNotBlank();
      assertThat(d.categories()).as(d.slug()).isNotEmpty();
      assertThat(Categories.known()).as(d.slug()).containsAll(d.categories());
    }
  }

  @Test
  void synonyms_pointAtCategoriesOfTheVocabulary_orAtBundledNames() {
    Set<String> targets = new HashSet<>();
    for (String c : Categories.known()) {
      targets.add(ToolkitSearch.stem(c));
    }
    for (ToolkitDescriptor d : BUNDLED) {
      targets.addAll(ToolkitSearch.words(d.name()));
    }
    ToolkitSearch.synonyms().forEach((word, means) ->
        assertThat(targets).as("what '%s' means", word).containsAll(means));
  }

  @Test
  void stem_bringsTogetherTheFormsOfAWord() {
    for (List<String> forms : List.of(List.of("schedule", "scheduled", "scheduling", "schedules"),
        List.of("email", "emails", "emailed"), List.of("reply", "replies", "replied"),
        List.of("meeting", "meetings"), List.of("wiki", "wikis"), List.of("search", "searches"),
        List.of("chat", "chatting"), List.of("scrape", "scraping", "scraped"), List.of("box", "boxes"))) {
      assertThat(forms.stream().map(ToolkitSearch::stem).distinct()).as(forms.toString()).hasSize(1);
    }
  }
}
