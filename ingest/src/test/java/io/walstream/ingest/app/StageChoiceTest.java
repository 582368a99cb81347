package io.walstream.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.ingest.config.IngestConfig.Stages;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageChoiceTest {
  private static final String BETWEEN = "walstream-ingest-staged-repartition";
  private static final StageChoice.Facts SINGLE =
      new StageChoice.Facts(Map.of("pg.public.a", 1, "pg.transaction", 1), false);
  private static final StageChoice.Facts PARTITIONED =
      new StageChoice.Facts(Map.of("pg.public.a", 1, "pg.public.b", 4), false);
  private static final StageChoice.Facts UNREAD =
      new StageChoice.Facts(Map.of("pg.public.a", 1), true);

  @Test
  void shouldChooseOneStageWhenEveryInputHasOnePartitionAndNothingWaitsBetween() {
    assertThat(StageChoice.choose(Stages.AUTO, SINGLE, BETWEEN)).isEqualTo(Stages.ONE);
    assertThat(StageChoice.choose(Stages.AUTO, new StageChoice.Facts(Map.of(), false), BETWEEN))
        .isEqualTo(Stages.ONE);
  }

  @Test
  void shouldChooseTwoStagesWhenAnInputHasSeveralPartitions() {
    assertThat(StageChoice.choose(Stages.AUTO, PARTITIONED, BETWEEN)).isEqualTo(Stages.TWO);
  }

  @Test
  void shouldStayInTwoStagesWhileTheTopicBetweenHoldsUnreadEvents() {
    assertThat(StageChoice.choose(Stages.AUTO, UNREAD, BETWEEN)).isEqualTo(Stages.TWO);
  }

  @Test
  void shouldKeepTwoStagesWhenAskedWhateverTheInputs() {
    assertThat(StageChoice.choose(Stages.TWO, SINGLE, BETWEEN)).isEqualTo(Stages.TWO);
  }

  @Test
  void shouldRefuseOneStageNamingTheTopicWhenAnInputHasSeveralPartitions() {
    assertThatThrownBy(() -> StageChoice.choose(Stages.ONE, PARTITIONED, BETWEEN))
        .isInstanceOfSatisfying(
            WalstreamException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_CONFIG))
        .hasMessageContaining("pg.public.b has 4");
  }

  @Test
  void shouldRefuseOneStageWhenTheTopicBetweenHoldsUnreadEvents() {
    assertThatThrownBy(() -> StageChoice.choose(Stages.ONE, UNREAD, BETWEEN))
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining(BETWEEN)
        .hasMessageContaining("would be lost");
  }
}
